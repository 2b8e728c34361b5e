; Inno Setup 6 script: LeaseLabDesktop-<version>-Setup.exe from the PyInstaller one-folder build.
;
; Built by packaging\build.ps1 installer (which passes the defines below from pyproject.toml):
;   iscc /DAppVersion=0.1.0 /DNumericVersion=0.1.0.0 /DSourceDir=..\..\dist\LeaseLabDesktop
;        /DOutputDir=..\..\dist [/DSign /Ssigntool=...] packaging\windows\leaselab.iss
;
; * Per-user install by default (no UAC prompt, into %LOCALAPPDATA%\Programs\LeaseLab Desktop);
;   an administrator can choose "install for all users" in the first dialog.
; * Upgrade in place: AppId never changes, so a newer Setup.exe replaces the installed copy
;   (same folder, same shortcuts) after closing the running app.
; * The uninstaller removes the program and keeps the user's data (database, documents, logs in
;   %LOCALAPPDATA%\LeaseLab\LeaseLabDesktop) unless the user ticks "Also delete my data" (or, for a
;   silent uninstall, passes /DELETEDATA: unins000.exe /VERYSILENT /DELETEDATA).
; * Signing: with /DSign, Setup.exe and the uninstaller are signed by the "signtool" command that
;   build.ps1 defines from WINDOWS_CERT_PFX / WINDOWS_CERT_PASSWORD.

#if Ver < EncodeVer(6, 6, 0)
  #error Inno Setup 6.6 or newer is needed (CreateCustomForm signature, x64compatible)
#endif

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef NumericVersion
  #define NumericVersion "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\LeaseLabDesktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "LeaseLab Desktop"
#define AppExe "LeaseLabDesktop.exe"
#define Publisher "LeaseLab"
; platformdirs.user_data_dir("LeaseLabDesktop", "LeaseLab") on Windows
#define DataDir "{localappdata}\LeaseLab\LeaseLabDesktop"

[Setup]
; Fixed forever (also in packaging/appmeta.py WINDOWS_APP_ID): it is what makes upgrades in place.
AppId={{8C4B7E52-3A1D-4F0B-9B7E-5D2C1A6E4F31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#NumericVersion}
VersionInfoProductVersion={#NumericVersion}
VersionInfoDescription={#AppName} Setup
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=LeaseLabDesktop-{#AppVersion}-Setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/ultra64
SolidCompression=yes
CloseApplications=yes
RestartApplications=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundled runtime: files a newer build no longer ships must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder; user data is handled in [Code] below.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
var
  DeleteUserData: Boolean;

{ A small form with an unticked "Also delete my data" box. Returns False if the user cancels;
  DeleteData tells whether the box was ticked. Silent uninstalls never get here: data is kept. }
function AskDeleteUserData(var DeleteData: Boolean): Boolean;
var
  Form: TSetupForm;
  Note: TNewStaticText;
  Box: TNewCheckBox;
  OkButton, CancelButton: TNewButton;
begin
  Result := False;
  DeleteData := False;
  Form := CreateCustomForm(420, 170, False, True);  { 6.6+: scales the size itself }
  try
    Form.Caption := 'Uninstall {#AppName}';
    Note := TNewStaticText.Create(Form);
    Note.Parent := Form;
    Note.Left := ScaleX(16);
    Note.Top := ScaleY(16);
    Note.Width := Form.ClientWidth - ScaleX(32);
    Note.AutoSize := False;
    Note.Height := ScaleY(48);
    Note.WordWrap := True;
    Note.Caption := 'The program will be removed. Your leads, documents, evaluations, settings and '
      + 'logs stay in ' + ExpandConstant('{#DataDir}') + ' unless you tick the box.';
    Box := TNewCheckBox.Create(Form);
    Box.Parent := Form;
    Box.Left := ScaleX(16);
    Box.Top := ScaleY(72);
    Box.Width := Form.ClientWidth - ScaleX(32);
    Box.Height := ScaleY(20);
    Box.Caption := 'Also delete my LeaseLab Desktop data (cannot be undone)';
    Box.Checked := False;
    OkButton := TNewButton.Create(Form);
    OkButton.Parent := Form;
    OkButton.Caption := 'Uninstall';
    OkButton.Width := ScaleX(90);
    OkButton.Height := ScaleY(24);
    OkButton.Left := Form.ClientWidth - ScaleX(16 + 90 + 8 + 90);
    OkButton.Top := Form.ClientHeight - ScaleY(24 + 16);
    OkButton.ModalResult := mrOk;
    OkButton.Default := True;
    CancelButton := TNewButton.Create(Form);
    CancelButton.Parent := Form;
    CancelButton.Caption := 'Cancel';
    CancelButton.Width := ScaleX(90);
    CancelButton.Height := ScaleY(24);
    CancelButton.Left := Form.ClientWidth - ScaleX(16 + 90);
    CancelButton.Top := OkButton.Top;
    CancelButton.ModalResult := mrCancel;
    CancelButton.Cancel := True;
    Result := Form.ShowModal() = mrOk;
    DeleteData := Result and Box.Checked;
  finally
    Form.Free();
  end;
end;

{ True when the uninstaller's command line holds Switch (any case). }
function CmdLineHas(const Switch: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Switch) = 0 then
      Result := True;
end;

function InitializeUninstall(): Boolean;
begin
  DeleteUserData := False;
  Result := True;
  if UninstallSilent then
    { Scripted removal (IT, packaging\build.ps1 install-check): data goes only with /DELETEDATA. }
    DeleteUserData := CmdLineHas('/DELETEDATA')
  else
    Result := AskDeleteUserData(DeleteUserData);  { False: cancelled, nothing is removed }
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DeleteUserData then
    DelTree(ExpandConstant('{#DataDir}'), True, True, True);
end;
