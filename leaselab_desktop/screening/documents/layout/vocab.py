"""Labels, as compact strings (see ``text.compact``), for Canadian (EN/FR) and US pay stubs and bank
statements. Longest first within a field so "grosspay" wins over "gross"."""

from __future__ import annotations


def _labels(*names: str) -> tuple[str, ...]:
    return tuple(sorted(set(names), key=len, reverse=True))


GROSS = _labels(
    "grosspay", "grossearnings", "totalgrosspay", "totalgross", "grossamount", "grosswages",
    "grossincome", "totalearnings", "gross", "currentgross", "salairebrut", "remunerationbrute",
    "paiebrute", "gainsbruts", "totaldesgains", "totaldesgainsbruts", "revenubrut", "brut",
)
NET = _labels(
    "netpay", "netamount", "netearnings", "netdeposit", "takehomepay", "takehome",
    "amountdeposited", "net", "netcheque", "netcheck", "salairenet", "paienette", "montantnet",
    "netapayer", "montantdepose", "remunerationnette",
)
TOTAL_DEDUCTIONS = _labels(
    "totaldeductions", "totaltaxesanddeductions", "deductionstotal", "totalwithholdings",
    "totaltaxes", "totaldesretenues", "totalretenues", "retenuestotales", "totaldesdeductions",
    "deductions", "retenues", "totaldeduct", "totdeductions", "totded",  # abbreviated on narrow stubs
)
DEDUCTION_LINES = _labels(
    "federaltax", "federalincometax", "provincialtax", "provincialincometax", "quebecincometax",
    "incometax", "taxwithheld", "cpp", "cpp2",
    "qpp", "rrq", "ei", "employmentinsurance", "ae", "assuranceemploi", "rqap", "qpip",
    "impotfederal", "impotprovincial", "impotduquebec", "impotsurlerevenu", "fica", "socialsecurity",
    "medicare", "oasdi", "statetax", "stateincometax", "sdi", "localtax", "rrsp", "reer",
    "pension", "uniondues", "cotisationsyndicale", "groupbenefits", "benefits", "health", "dental",
    "fedwithholding", "federalwithholding",
)
PAY_DATE = _labels(
    "paydate", "datepaid", "paymentdate", "chequedate", "checkdate", "depositdate", "datedepaie",
    "datedepaiement", "datedeversement", "datedudepot", "datedelapaie", "advicedate",
    "dateduversement", "datedupaiement",
)
PERIOD = _labels("payperiod", "period", "periodedepaie", "periode", "periodedepaye", "paiepour")
PERIOD_START = _labels(
    "periodstart", "periodbeginning", "periodbegin", "periodfrom", "startdate", "debutdeperiode",
    "debutdelaperiode", "du", "payperiodstart", "payperiodbegin", "payperiodbeginning",
    "payperiodfrom", "periodstartdate", "periodbegindate",
)
PERIOD_END = _labels(
    "periodend", "periodending", "periodto", "enddate", "findeperiode", "findelaperiode", "au",
    "payperiodend", "payperiodending", "payperiodto", "periodenddate", "periodendingdate",
)
FREQUENCY = _labels(
    "payfrequency", "frequency", "frequencedepaie", "frequencedepaye", "frequence", "payschedule",
    "paycycle", "periodicite", "periodicitedepaie",
)
EMPLOYER = _labels(
    "employer", "employername", "company", "companyname", "employeur", "nomdelemployeur",
    "entreprise", "payer",
)
EMPLOYEE = _labels(
    "employee", "employeename", "employe", "employename", "nomdelemploye", "name", "nom",
    "nomdemploye", "nomdeemploye", "nomdelemployee", "nomdelemployeee", "nomdusalarie",
    "payto", "paytotheorderof", "salarie",
)
# Words that mark the start of another field: never an employee's or employer's name.
STOPS = _labels(
    *GROSS, *NET, *PAY_DATE, *PERIOD, *EMPLOYER, *EMPLOYEE, *FREQUENCY, "employeeid", "employeeno",
    "employeenumber", "empno", "empid", "matricule", "nodemploye", "noemploye", "numerodemploye",
    "numeroemploye", "sin", "nas", "ssn", "id", "address", "adresse", "department", "departement",
    "position", "poste", "jobtitle", "titre", "mode", "paymentmethod", "modedepaiement",
    "periodending", "periodbeginning", "periodend", "periodstart", "checkdate", "accountnumber",
    "numerodecompte", "transit", "branch", "succursale", "account", "compte",
)

OPENING = _labels(
    "openingbalance", "beginningbalance", "previousbalance", "balanceforward", "startingbalance",
    "balancebroughtforward", "broughtforward", "soldedouverture", "soldeprecedent",
    "soldeanterieur", "soldededebut", "soldeinitial", "ancien solde".replace(" ", ""),
)
CLOSING = _labels(
    "closingbalance", "endingbalance", "newbalance", "balanceatendofperiod", "balanceatend",
    "finalbalance", "soldedefermeture", "soldefinal", "nouveausolde", "soldedecloture",
    "soldedefin", "soldealafin",
)
CARRIED = _labels(
    "balancecarriedforward", "carriedforward", "balancebroughtforward", "broughtforward",
    "balanceforward", "soldereporte", "report", "areporter", "reporte",
)
TOTAL_DEPOSITS = _labels(
    "totaldeposits", "totalcredits", "depositsandcredits", "depositsandothercredits",
    "totaldesdepots", "totaldepots", "depotstotaux", "totaldescredits",
)
TOTAL_WITHDRAWALS = _labels(
    "totalwithdrawals", "totaldebits", "withdrawalsanddebits", "withdrawalsandotherdebits",
    "totaldesretraits", "totalretraits", "totaldesdebits",
)
STATEMENT_PERIOD = _labels(
    "statementperiod", "period", "statementdates", "statementfrom", "periodedureleve",
    "periode", "relevedu", "foraperiodof", "from", "du",
)
HOLDER = _labels(
    "accountholder", "name", "customer", "customername", "preparedfor", "client", "titulaire",
    "titulaireducompte", "nomduclient", "nom", "member", "membre", "accountowner", "owner",
    "accountholdername", "primaryaccountholder", "statementfor",
)

# Column headers of transaction tables.
COL_DATE = ("date", "transactiondate", "postingdate", "dateoperation", "dateoper")
COL_DESC = ("description", "details", "transaction", "libelle", "operation", "particulars", "memo")
COL_DEBIT = ("withdrawals", "withdrawal", "debits", "debit", "retraits", "retrait", "paid out",
             "moneyout", "chequesanddebits", "withdrawalsdebits")
COL_CREDIT = ("deposits", "deposit", "credits", "credit", "depots", "depot", "paidin", "moneyin",
              "depositscredits")
COL_AMOUNT = ("amount", "montant", "amountcad", "amount$")
COL_BALANCE = ("balance", "solde", "runningbalance", "balancecad", "balance$")

# Document kinds from compact text: each hit counts once.
PAYSTUB_WORDS = (
    "netpay", "grosspay", "earningsstatement", "paystub", "payperiod", "deductions", "paydate",
    "ytd", "yeartodate", "takehome", "salairebrut", "salairenet", "periodedepaie", "retenues",
    "talondepaie", "bulletindepaie", "relevedepaie", "datedepaie", "cumul", "paystatement",
    "payslip", "grossearnings",
)
BANK_WORDS = (
    "openingbalance", "closingbalance", "statementperiod", "accountstatement", "beginningbalance",
    "endingbalance", "accountnumber", "transactions", "bankstatement", "withdrawals", "deposits",
    "soldedouverture", "soldedefermeture", "relevedecompte", "retraits", "depots", "nouveausolde",
    "soldeprecedent", "numerodecompte",
)

# Single words that head a table column; any other label splits a run of words only when it is
# two words or more ("Pay date"), so a name like "Harbourfront Dental Group" is never cut.
SINGLE_SPLIT = frozenset({
    "hours", "current", "ytd", "withdrawals", "deposits", "balance", "amount", "debits", "credits",
    "retraits", "depots", "solde", "montant", "cumul", "description", "heures", "employee",
    "employer", "employeur", "deductions", "retenues", "earnings",
})


def _phrases() -> frozenset[str]:
    every = (GROSS + NET + TOTAL_DEDUCTIONS + DEDUCTION_LINES + PAY_DATE + PERIOD + PERIOD_START
             + PERIOD_END + FREQUENCY + EMPLOYER + EMPLOYEE + STOPS + OPENING + CLOSING + CARRIED
             + TOTAL_DEPOSITS + TOTAL_WITHDRAWALS + STATEMENT_PERIOD + HOLDER + COL_DATE + COL_DESC
             + COL_DEBIT + COL_CREDIT + COL_AMOUNT + COL_BALANCE
             + ("thisperiod", "yeartodate", "currentperiod", "cetteperiode"))
    return frozenset(p for p in every if len(p) >= 5)


# Labels and column headers that start a new cell even when set close to the text before them
# (a tightly spaced table's header row comes out as one run of words).
SPLIT_PHRASES = _phrases()
LETTER_WORDS = (
    "verificationofemployment", "employmentverification", "confirmationofemployment",
    "employmentconfirmation", "attestationdemploi", "lettredemploi", "confirmationdemploi",
    "attestationdetravail", "proofofemployment",
)
ID_WORDS = (
    "driverslicence", "driverslicense", "permisdeconduire", "identificationcard", "idcard",
    "permanentresidentcard", "carteder", "passport", "passeport", "carteassurancemaladie",
    "healthcard", "cartedidentite", "photocard", "carteavecphoto",
)
ID_NAME = _labels(
    "name", "nom", "nomname", "namenom", "surnamenom", "nomsurname", "surname", "fullname",
    "nomcomplet", "lastnamefirstname", "nomprenom", "holder", "titulaire",
)
