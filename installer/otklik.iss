; Inno Setup 6 script for Отклик (Windows, per-user install, no administrator rights).
; Build on Windows after the PyInstaller bundle (see installer/README.md):
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\otklik.spec
;   iscc /DAppVersion=0.1.0 installer\otklik.iss        -> dist\otklik-0.1.0-setup.exe
; User data is not in the install folder: settings, database and logs live under %LOCALAPPDATA%\otklik
; (platformdirs), so upgrades and uninstalls keep them.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Отклик"
#define AppExe "otklik.exe"

[Setup]
; The AppId must never change: the same AppId makes a newer setup upgrade the installed copy in place.
AppId={{48EB7D7A-B55B-4E10-A706-F465B758FA63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Otklik developers
DefaultDirName={localappdata}\Programs\otklik
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=otklik-{#AppVersion}-setup
SetupIconFile=..\build\icons\otklik.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
LicenseFile=..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no
; Sign the setup and the uninstaller when a signing tool is configured (Tools > Configure Sign Tools):
; SignTool=otkliksign
ShowLanguageDialog=no

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A clean upgrade: the previous bundle's files go before the new ones are copied (user data is elsewhere).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\otklik\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"
