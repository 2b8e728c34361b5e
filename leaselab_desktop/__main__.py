from leaselab_desktop.cli import main

raise SystemExit(main())
