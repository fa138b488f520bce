<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AppSettings</name>
    <message>
        <source>This is not a Vaporwatch settings file (its &quot;format&quot; is not %1).</source>
        <translation>Dies ist keine Vaporwatch-Einstellungsdatei (ihr &quot;format&quot; ist nicht %1).</translation>
    </message>
    <message>
        <source>The settings file has an invalid %1.</source>
        <translation>Die Einstellungsdatei enthält einen ungültigen Wert für %1.</translation>
    </message>
</context>
<context>
    <name>DaytonaConfig</name>
    <message>
        <source>DAYTONA_SERVER_URL is deprecated; use DAYTONA_API_URL instead.</source>
        <translation>DAYTONA_SERVER_URL ist veraltet; verwenden Sie stattdessen DAYTONA_API_URL.</translation>
    </message>
</context>
<context>
    <name>PreviewHealth</name>
    <message>
        <source>HTTP %1, %2 ms</source>
        <translation>HTTP %1, %2 ms</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>dependencies unchanged since the last successful install</source>
        <translation>Abhängigkeiten seit der letzten erfolgreichen Installation unverändert</translation>
    </message>
    <message>
        <source>a previous phase failed</source>
        <translation>eine vorherige Phase ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>the build was cancelled</source>
        <translation>der Build wurde abgebrochen</translation>
    </message>
    <message>
        <source>the project has no build script</source>
        <translation>das Projekt hat kein Build-Skript</translation>
    </message>
    <message>
        <source>the project has no such step</source>
        <translation>das Projekt hat keinen solchen Schritt</translation>
    </message>
    <message>
        <source>disabled in the project&apos;s settings</source>
        <translation>in den Projekteinstellungen deaktiviert</translation>
    </message>
    <message>
        <source>no earlier successful install in this sandbox</source>
        <translation>noch keine erfolgreiche Installation in dieser Sandbox</translation>
    </message>
    <message>
        <source>the lockfile changed</source>
        <translation>die Lockdatei hat sich geändert</translation>
    </message>
    <message>
        <source>the install command changed</source>
        <translation>der Installationsbefehl hat sich geändert</translation>
    </message>
    <message>
        <source>the installed dependencies are gone</source>
        <translation>die installierten Abhängigkeiten fehlen</translation>
    </message>
    <message>
        <source>the project has no lockfile</source>
        <translation>das Projekt hat keine Lockdatei</translation>
    </message>
    <message>
        <source>clean build</source>
        <translation>sauberer Build</translation>
    </message>
    <message>
        <source>sha256sum is not available in the sandbox</source>
        <translation>sha256sum ist in der Sandbox nicht verfügbar</translation>
    </message>
</context>
<context>
    <name>StatusStyle</name>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Vaporwatch: start and watch builds in Daytona sandboxes.</source>
        <translation>Vaporwatch: Builds in Daytona-Sandboxes starten und überwachen.</translation>
    </message>
    <message>
        <source>Show this build (in the running Vaporwatch, if any).</source>
        <translation>Diesen Build anzeigen (im laufenden Vaporwatch, falls vorhanden).</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>--build needs a build id</source>
        <translation>--build benötigt eine Build-ID</translation>
    </message>
</context>
<context>
    <name>vw</name>
    <message>
        <source>The build store is closed.</source>
        <translation>Der Build-Speicher ist geschlossen.</translation>
    </message>
</context>
<context>
    <name>vw::AsyncJob</name>
    <message>
        <source>The operation was canceled.</source>
        <translation>Der Vorgang wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>vw::BuildEvent</name>
    <message>
        <source>created</source>
        <translation>erstellt</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>phase started</source>
        <translation>Phase gestartet</translation>
    </message>
    <message>
        <source>phase finished</source>
        <translation>Phase abgeschlossen</translation>
    </message>
    <message>
        <source>phase skipped</source>
        <translation>Phase übersprungen</translation>
    </message>
    <message>
        <source>command started</source>
        <translation>Befehl gestartet</translation>
    </message>
    <message>
        <source>command exited</source>
        <translation>Befehl beendet</translation>
    </message>
    <message>
        <source>cache hit</source>
        <translation>Cache-Treffer</translation>
    </message>
    <message>
        <source>cache miss</source>
        <translation>Cache-Fehltreffer</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>reattached</source>
        <translation>wieder verbunden</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>beendet</translation>
    </message>
</context>
<context>
    <name>vw::BuildRepository</name>
    <message>
        <source>The Qt PostgreSQL driver (QPSQL) is not installed; install libqt6sql6-psql.</source>
        <translation>Der Qt-PostgreSQL-Treiber (QPSQL) ist nicht installiert; installieren Sie libqt6sql6-psql.</translation>
    </message>
    <message>
        <source>The Qt SQLite driver (QSQLITE) is not installed; install libqt6sql6-sqlite.</source>
        <translation>Der Qt-SQLite-Treiber (QSQLITE) ist nicht installiert; installieren Sie libqt6sql6-sqlite.</translation>
    </message>
    <message>
        <source>Cannot create the directory %1 for the database.</source>
        <translation>Das Verzeichnis %1 für die Datenbank kann nicht erstellt werden.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>The database %1 cannot use the WAL journal.</source>
        <translation>Die Datenbank %1 kann das WAL-Journal nicht verwenden.</translation>
    </message>
    <message>
        <source>The build database is not open.</source>
        <translation>Die Build-Datenbank ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>Datenbankfehler: %1</translation>
    </message>
    <message>
        <source>A project needs a sandbox and a directory.</source>
        <translation>Ein Projekt benötigt eine Sandbox und ein Verzeichnis.</translation>
    </message>
    <message>
        <source>The new project got no id.</source>
        <translation>Das neue Projekt hat keine ID erhalten.</translation>
    </message>
    <message>
        <source>There is no project %1.</source>
        <translation>Es gibt kein Projekt %1.</translation>
    </message>
    <message>
        <source>Build %1 is stored already.</source>
        <translation>Build %1 ist bereits gespeichert.</translation>
    </message>
    <message>
        <source>The new build got no id.</source>
        <translation>Der neue Build hat keine ID erhalten.</translation>
    </message>
    <message>
        <source>There is no build %1.</source>
        <translation>Es gibt keinen Build %1.</translation>
    </message>
    <message>
        <source>A lease needs an owner and a duration.</source>
        <translation>Eine Reservierung benötigt einen Besitzer und eine Dauer.</translation>
    </message>
    <message>
        <source>An event needs a type.</source>
        <translation>Ein Ereignis benötigt einen Typ.</translation>
    </message>
    <message>
        <source>The new event got no id.</source>
        <translation>Das neue Ereignis hat keine ID erhalten.</translation>
    </message>
    <message>
        <source>A log piece needs a build.</source>
        <translation>Ein Log-Abschnitt benötigt einen Build.</translation>
    </message>
    <message>
        <source>A log offset cannot be negative.</source>
        <translation>Ein Log-Offset darf nicht negativ sein.</translation>
    </message>
    <message>
        <source>Cannot listen for changes: %1</source>
        <translation>Auf Änderungen kann nicht gewartet werden: %1</translation>
    </message>
</context>
<context>
    <name>vw::BuildStatus</name>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>success</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
</context>
<context>
    <name>vw::BuildStore</name>
    <message>
        <source>The build database is not open.</source>
        <translation>Die Build-Datenbank ist nicht geöffnet.</translation>
    </message>
</context>
<context>
    <name>vw::DatabaseUrl</name>
    <message>
        <source>The SQLite URL names no file (use sqlite:///path/to/file).</source>
        <translation>Die SQLite-URL nennt keine Datei (verwenden Sie sqlite:///pfad/zur/datei).</translation>
    </message>
    <message>
        <source>Unknown database URL scheme &quot;%1&quot;: use a file path, sqlite:///path or postgres://user:password@host:port/database.</source>
        <translation>Unbekanntes Schema der Datenbank-URL „%1“: Verwenden Sie einen Dateipfad, sqlite:///path oder postgres://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>The PostgreSQL URL is not valid (expected postgres://user:password@host:port/database).</source>
        <translation>Die PostgreSQL-URL ist ungültig (erwartet: postgres://user:password@host:port/database).</translation>
    </message>
    <message>
        <source>The PostgreSQL URL&apos;s path must be just the database name.</source>
        <translation>Der Pfad der PostgreSQL-URL darf nur aus dem Datenbanknamen bestehen.</translation>
    </message>
    <message>
        <source>Unknown PostgreSQL connection option &quot;%1&quot;.</source>
        <translation>Unbekannte PostgreSQL-Verbindungsoption „%1“.</translation>
    </message>
</context>
<context>
    <name>vw::MainWindow</name>
    <message>
        <source>Vaporwatch</source>
        <translation>Vaporwatch</translation>
    </message>
    <message>
        <source>Sandboxes and projects</source>
        <translation>Sandboxes und Projekte</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>Build</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>The selected build: phases, events and logs (Ctrl+1)</source>
        <translation>Der ausgewählte Build: Phasen, Ereignisse und Logs (Strg+1)</translation>
    </message>
    <message>
        <source>Every build, filtered and sorted (Ctrl+2)</source>
        <translation>Alle Builds, gefiltert und sortiert (Strg+2)</translation>
    </message>
    <message>
        <source>The project&apos;s dev server (Ctrl+3)</source>
        <translation>Der Dev-Server des Projekts (Strg+3)</translation>
    </message>
    <message>
        <source>Local sandbox (no Daytona account)</source>
        <translation>Lokale Sandbox (kein Daytona-Konto)</translation>
    </message>
    <message>
        <source>Daytona · %1</source>
        <translation>Daytona · %1</translation>
    </message>
    <message>
        <source>&amp;Start Build</source>
        <translation>Build &amp;starten</translation>
    </message>
    <message>
        <source>Start a build of the selected project</source>
        <translation>Einen Build des ausgewählten Projekts starten</translation>
    </message>
    <message>
        <source>C&amp;lean Build</source>
        <translation>S&amp;auberer Build</translation>
    </message>
    <message>
        <source>Build without the dependency cache</source>
        <translation>Ohne Abhängigkeits-Cache bauen</translation>
    </message>
    <message>
        <source>&amp;Rebuild</source>
        <translation>&amp;Neu bauen</translation>
    </message>
    <message>
        <source>Build the latest build&apos;s project again with its settings</source>
        <translation>Das Projekt des letzten Builds mit dessen Einstellungen erneut bauen</translation>
    </message>
    <message>
        <source>&amp;Cancel Build</source>
        <translation>Build a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the running build</source>
        <translation>Den laufenden Build stoppen</translation>
    </message>
    <message>
        <source>Run &amp;Dev Server</source>
        <translation>&amp;Dev-Server starten</translation>
    </message>
    <message>
        <source>Start the project&apos;s dev server in its sandbox and preview it</source>
        <translation>Den Dev-Server des Projekts in seiner Sandbox starten und in der Vorschau anzeigen</translation>
    </message>
    <message>
        <source>Open Preview in &amp;Browser</source>
        <translation>Vorschau im &amp;Browser öffnen</translation>
    </message>
    <message>
        <source>Open the sandbox&apos;s dev server in the web browser</source>
        <translation>Den Dev-Server der Sandbox im Webbrowser öffnen</translation>
    </message>
    <message>
        <source>&amp;Add Project…</source>
        <translation>Projekt &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add a directory of the selected sandbox as a project</source>
        <translation>Ein Verzeichnis der ausgewählten Sandbox als Projekt hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;fresh Sandboxes</source>
        <translation>Sandboxes a&amp;ktualisieren</translation>
    </message>
    <message>
        <source>List the sandboxes and their states again</source>
        <translation>Die Sandboxes und ihre Zustände neu auflisten</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Daytona account, database, notifications (%1)</source>
        <translation>Daytona-Konto, Datenbank, Benachrichtigungen (%1)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Build</source>
        <translation>&amp;Build</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>Ver&amp;lauf</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Vaporwatch</source>
        <translation>&amp;Über Vaporwatch</translation>
    </message>
    <message>
        <source>About Vaporwatch</source>
        <translation>Über Vaporwatch</translation>
    </message>
    <message>
        <source>&lt;b&gt;Vaporwatch %1&lt;/b&gt;&lt;p&gt;Starts and watches builds inside Daytona sandboxes.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Vaporwatch %1&lt;/b&gt;&lt;p&gt;Startet und überwacht Builds in Daytona-Sandboxes.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Noch keine Builds</translation>
    </message>
    <message>
        <source>Select a project and press Start Build (Ctrl+B): it builds in its sandbox, phase by phase, with its logs. Without a Daytona account the local sandbox&apos;s sample project is ready; add an account in Settings.</source>
        <translation>Wählen Sie ein Projekt und klicken Sie auf „Build starten“ (Strg+B): Es wird in seiner Sandbox gebaut, Phase für Phase, mit seinen Logs. Ohne Daytona-Konto steht das Beispielprojekt der lokalen Sandbox bereit; fügen Sie in den Einstellungen ein Konto hinzu.</translation>
    </message>
    <message>
        <source>Sample project</source>
        <translation>Beispielprojekt</translation>
    </message>
    <message>
        <source>Builds cannot start: %1 (see Settings)</source>
        <translation>Builds können nicht starten: %1 (siehe Einstellungen)</translation>
    </message>
    <message>
        <source>Sandbox %1 (%2), %3</source>
        <translation>Sandbox %1 (%2), %3</translation>
    </message>
    <message>
        <source>%1 in sandbox %2</source>
        <translation>%1 in Sandbox %2</translation>
    </message>
    <message>
        <source>Cannot open the build: %1</source>
        <translation>Der Build kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>The build did not start: %1</source>
        <translation>Der Build wurde nicht gestartet: %1</translation>
    </message>
    <message>
        <source>The rebuild did not start: %1</source>
        <translation>Der erneute Build wurde nicht gestartet: %1</translation>
    </message>
    <message>
        <source>The build was not cancelled: %1</source>
        <translation>Der Build wurde nicht abgebrochen: %1</translation>
    </message>
    <message>
        <source>Starting the dev server of %1…</source>
        <translation>Dev-Server von %1 wird gestartet…</translation>
    </message>
    <message>
        <source>The dev server did not start: %1</source>
        <translation>Der Dev-Server wurde nicht gestartet: %1</translation>
    </message>
    <message>
        <source>The dev server was already running on port %1 (%2)</source>
        <translation>Der Dev-Server lief bereits auf Port %1 (%2)</translation>
    </message>
    <message>
        <source>The dev server runs on port %1 (%2)</source>
        <translation>Der Dev-Server läuft auf Port %1 (%2)</translation>
    </message>
    <message>
        <source>No dev server to open in %1: %2 Run Dev Server (Ctrl+Shift+R) starts one.</source>
        <translation>Kein Dev-Server zum Öffnen in %1: %2 „Dev-Server starten“ (Strg+Umschalt+R) startet einen.</translation>
    </message>
    <message>
        <source>Opened %1 in the browser</source>
        <translation>%1 im Browser geöffnet</translation>
    </message>
    <message>
        <source>Add Project</source>
        <translation>Projekt hinzufügen</translation>
    </message>
    <message>
        <source>Sandbox (name or id):</source>
        <translation>Sandbox (Name oder ID):</translation>
    </message>
    <message>
        <source>Project directory in sandbox %1 (absolute, or relative to the sandbox&apos;s working directory):</source>
        <translation>Projektverzeichnis in Sandbox %1 (absolut oder relativ zum Arbeitsverzeichnis der Sandbox):</translation>
    </message>
    <message>
        <source>The project was not added: %1</source>
        <translation>Das Projekt wurde nicht hinzugefügt: %1</translation>
    </message>
    <message>
        <source>The sandboxes could not be listed: %1</source>
        <translation>Die Sandboxes konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>creating</source>
        <translation>wird erstellt</translation>
    </message>
    <message>
        <source>restoring</source>
        <translation>wird wiederhergestellt</translation>
    </message>
    <message>
        <source>destroyed</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>destroying</source>
        <translation>wird gelöscht</translation>
    </message>
    <message>
        <source>started</source>
        <translation>gestartet</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>stoppt</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>image build failed</source>
        <translation>Image-Build fehlgeschlagen</translation>
    </message>
    <message>
        <source>image pending</source>
        <translation>Image ausstehend</translation>
    </message>
    <message>
        <source>building snapshot</source>
        <translation>Snapshot wird erstellt</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>pulling snapshot</source>
        <translation>Snapshot wird geladen</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archiviert</translation>
    </message>
    <message>
        <source>archiving</source>
        <translation>wird archiviert</translation>
    </message>
    <message>
        <source>resizing</source>
        <translation>Größe wird geändert</translation>
    </message>
    <message>
        <source>snapshotting</source>
        <translation>Snapshot läuft</translation>
    </message>
    <message>
        <source>forking</source>
        <translation>wird geforkt</translation>
    </message>
    <message>
        <source>pausing</source>
        <translation>wird pausiert</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>resuming</source>
        <translation>wird fortgesetzt</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Build, history, preview, analytics and artifacts</source>
        <translation>Build, Verlauf, Vorschau, Auswertung und Artefakte</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>Artifacts</source>
        <translation>Artefakte</translation>
    </message>
    <message>
        <source>Durations, success rate, phases, queue time and the most common errors over a period (Ctrl+4)</source>
        <translation>Dauer, Erfolgsquote, Phasen, Wartezeit und die häufigsten Fehler über einen Zeitraum (Strg+4)</translation>
    </message>
    <message>
        <source>The shown build&apos;s output files, to download (Ctrl+5)</source>
        <translation>Die Ausgabedateien des angezeigten Builds zum Herunterladen (Strg+5)</translation>
    </message>
    <message>
        <source>&amp;Analytics</source>
        <translation>&amp;Auswertung</translation>
    </message>
    <message>
        <source>A&amp;rtifacts</source>
        <translation>A&amp;rtefakte</translation>
    </message>
</context>
<context>
    <name>vw::Phase</name>
    <message>
        <source>setup</source>
        <translation>Vorbereitung</translation>
    </message>
    <message>
        <source>install</source>
        <translation>Installation</translation>
    </message>
    <message>
        <source>build</source>
        <translation>Build</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>Abschluss</translation>
    </message>
</context>
<context>
    <name>vw::SchemaMigrations</name>
    <message>
        <source>Cannot read the schema version</source>
        <translation>Die Schemaversion kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>The database has schema version %1, but this Vaporwatch knows only versions up to %2. Use a newer Vaporwatch with this database.</source>
        <translation>Die Datenbank hat die Schemaversion %1, aber dieses Vaporwatch kennt nur Versionen bis %2. Verwenden Sie mit dieser Datenbank ein neueres Vaporwatch.</translation>
    </message>
    <message>
        <source>Cannot create the schema_version table: %1</source>
        <translation>Die Tabelle schema_version kann nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Cannot start the migration to version %1: %2</source>
        <translation>Die Migration auf Version %1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>The migration to schema version %1 failed: %2</source>
        <translation>Die Migration auf Schemaversion %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The database has schema version %1, but this Vaporwatch knows only versions up to %2.</source>
        <translation>Die Datenbank hat die Schemaversion %1, aber dieses Vaporwatch kennt nur Versionen bis %2.</translation>
    </message>
</context>
<context>
    <name>vw::daytona::ApiTransport</name>
    <message>
        <source>Could not write the downloaded data: %1</source>
        <translation>Die heruntergeladenen Daten konnten nicht geschrieben werden: %1</translation>
    </message>
</context>
<context>
    <name>vw::daytona::CommandLogFollower</name>
    <message>
        <source>The Daytona client is gone.</source>
        <translation>Der Daytona-Client ist nicht mehr vorhanden.</translation>
    </message>
    <message>
        <source>The log WebSocket closed unexpectedly: %1</source>
        <translation>Der Log-WebSocket wurde unerwartet geschlossen: %1</translation>
    </message>
    <message>
        <source>The log WebSocket stopped answering.</source>
        <translation>Der Log-WebSocket antwortet nicht mehr.</translation>
    </message>
    <message>
        <source>the command log shrank</source>
        <translation>das Befehls-Log ist geschrumpft</translation>
    </message>
</context>
<context>
    <name>vw::daytona::DaytonaClient</name>
    <message>
        <source>Sandbox %1 failed to start: %2</source>
        <translation>Sandbox %1 konnte nicht starten: %2</translation>
    </message>
    <message numerus="yes">
        <source>Sandbox %1 did not start within %n second(s)</source>
        <translation>
            <numerusform>Sandbox %1 ist nicht innerhalb von %n Sekunde gestartet</numerusform>
            <numerusform>Sandbox %1 ist nicht innerhalb von %n Sekunden gestartet</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>vw::daytona::ErrorParser</name>
    <message>
        <source>Bad request</source>
        <translation>Ungültige Anfrage</translation>
    </message>
    <message>
        <source>Unauthorized: the API key or token was not accepted</source>
        <translation>Nicht autorisiert: Der API-Schlüssel oder das Token wurde nicht akzeptiert</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>Verboten</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Method not allowed</source>
        <translation>Methode nicht erlaubt</translation>
    </message>
    <message>
        <source>Request timed out</source>
        <translation>Zeitüberschreitung der Anfrage</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Konflikt</translation>
    </message>
    <message>
        <source>Gone</source>
        <translation>Nicht mehr vorhanden</translation>
    </message>
    <message>
        <source>Payload too large</source>
        <translation>Nutzdaten zu groß</translation>
    </message>
    <message>
        <source>Unprocessable entity</source>
        <translation>Nicht verarbeitbare Entität</translation>
    </message>
    <message>
        <source>Too many requests</source>
        <translation>Zu viele Anfragen</translation>
    </message>
    <message>
        <source>Internal server error</source>
        <translation>Interner Serverfehler</translation>
    </message>
    <message>
        <source>Not implemented</source>
        <translation>Nicht implementiert</translation>
    </message>
    <message>
        <source>Bad gateway</source>
        <translation>Ungültiges Gateway</translation>
    </message>
    <message>
        <source>Service unavailable</source>
        <translation>Dienst nicht verfügbar</translation>
    </message>
    <message>
        <source>Gateway timeout</source>
        <translation>Gateway-Zeitüberschreitung</translation>
    </message>
    <message>
        <source>The server answered HTTP %1</source>
        <translation>Der Server antwortete mit HTTP %1</translation>
    </message>
    <message>
        <source>The server did not answer in time</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet</translation>
    </message>
    <message>
        <source>Network error</source>
        <translation>Netzwerkfehler</translation>
    </message>
    <message>
        <source>Unexpected answer from the server: %1</source>
        <translation>Unerwartete Antwort vom Server: %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactDownloader</name>
    <message>
        <source>%1 is not one of the build&apos;s artifacts.</source>
        <translation>%1 gehört nicht zu den Artefakten des Builds.</translation>
    </message>
    <message>
        <source>%1 would be saved outside the chosen folder.</source>
        <translation>%1 würde außerhalb des gewählten Ordners gespeichert.</translation>
    </message>
    <message>
        <source>There is no connection to the sandbox.</source>
        <translation>Es besteht keine Verbindung zur Sandbox.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>it is no longer in the sandbox (HTTP 404)</source>
        <translation>sie ist nicht mehr in der Sandbox vorhanden (HTTP 404)</translation>
    </message>
    <message>
        <source>the sandbox refused to read it (HTTP 403)</source>
        <translation>die Sandbox hat das Lesen verweigert (HTTP 403)</translation>
    </message>
    <message>
        <source>the sandbox cannot send it (HTTP 400)</source>
        <translation>die Sandbox kann sie nicht senden (HTTP 400)</translation>
    </message>
    <message>
        <source>Cannot download %1: %2</source>
        <translation>%1 kann nicht heruntergeladen werden: %2</translation>
    </message>
    <message>
        <source>The download was cancelled.</source>
        <translation>Der Download wurde abgebrochen.</translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s).</source>
        <translation>
            <numerusform>%n Datei heruntergeladen.</numerusform>
            <numerusform>%n Dateien heruntergeladen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be downloaded</source>
        <translation>
            <numerusform>%n Datei konnte nicht heruntergeladen werden</numerusform>
            <numerusform>%n Dateien konnten nicht heruntergeladen werden</numerusform>
        </translation>
    </message>
    <message>
        <source>the connection to the sandbox was lost during the transfer</source>
        <translation>die Verbindung zur Sandbox ist während der Übertragung abgebrochen</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactFileSink</name>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht erstellt werden.</translation>
    </message>
    <message>
        <source>The download was discarded.</source>
        <translation>Der Download wurde verworfen.</translation>
    </message>
    <message>
        <source>The download was cancelled.</source>
        <translation>Der Download wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactScanner</name>
    <message>
        <source>There is no connection to the sandboxes.</source>
        <translation>Es besteht keine Verbindung zu den Sandboxes.</translation>
    </message>
    <message>
        <source>Cannot list %1 in the sandbox: %2</source>
        <translation>%1 kann in der Sandbox nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>Build %1 did not succeed: it has no artifacts to list.</source>
        <translation>Build %1 war nicht erfolgreich: Es gibt keine Artefakte aufzulisten.</translation>
    </message>
    <message>
        <source>The build store is closed.</source>
        <translation>Der Build-Speicher ist geschlossen.</translation>
    </message>
    <message>
        <source>The listing was cancelled.</source>
        <translation>Das Auflisten wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot list the project directory %1 in the sandbox: %2</source>
        <translation>Das Projektverzeichnis %1 kann in der Sandbox nicht aufgelistet werden: %2</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildManager</name>
    <message>
        <source>Waiting for a free slot</source>
        <translation>Warten auf einen freien Platz</translation>
    </message>
    <message>
        <source>Build #%1 created (%2)</source>
        <translation>Build #%1 erstellt (%2)</translation>
    </message>
    <message>
        <source>Build cancelled</source>
        <translation>Build abgebrochen</translation>
    </message>
    <message>
        <source>Cancelled while queued</source>
        <translation>Im Wartezustand abgebrochen</translation>
    </message>
    <message>
        <source>Build finished: cancelled</source>
        <translation>Build beendet: abgebrochen</translation>
    </message>
    <message>
        <source>Build #%1 has already ended (%2)</source>
        <translation>Build #%1 ist bereits beendet (%2)</translation>
    </message>
    <message>
        <source>Build #%1 keeps changing hands; try again</source>
        <translation>Build #%1 wechselt ständig den Besitzer; bitte erneut versuchen</translation>
    </message>
    <message>
        <source>Build #%1 is still being set up by another Vaporwatch process (%2); try again in a moment</source>
        <translation>Build #%1 wird noch von einem anderen Vaporwatch-Prozess vorbereitet (%2); bitte gleich erneut versuchen</translation>
    </message>
    <message>
        <source>The driver of build #%1 could not be signalled (exit code %2)</source>
        <translation>Der Treiber von Build #%1 konnte kein Signal erhalten (Exit-Code %2)</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildRun</name>
    <message>
        <source>Detecting the stack</source>
        <translation>Stack wird erkannt</translation>
    </message>
    <message>
        <source>Setup started</source>
        <translation>Vorbereitung gestartet</translation>
    </message>
    <message>
        <source>Starting the build in the sandbox</source>
        <translation>Build wird in der Sandbox gestartet</translation>
    </message>
    <message>
        <source>Could not create the build&apos;s session: %1</source>
        <translation>Die Sitzung des Builds konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not start the build: %1</source>
        <translation>Der Build konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>Setup finished: %1</source>
        <translation>Vorbereitung abgeschlossen: %1</translation>
    </message>
    <message>
        <source>Build driver started in session %1</source>
        <translation>Build-Treiber in Sitzung %1 gestartet</translation>
    </message>
    <message>
        <source>Installing dependencies</source>
        <translation>Abhängigkeiten werden installiert</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>Build läuft</translation>
    </message>
    <message>
        <source>Phase %1 started</source>
        <translation>Phase %1 gestartet</translation>
    </message>
    <message>
        <source>The %1 command exited with code %2</source>
        <translation>Der Befehl der Phase %1 wurde mit Code %2 beendet</translation>
    </message>
    <message>
        <source>Phase %1 finished</source>
        <translation>Phase %1 abgeschlossen</translation>
    </message>
    <message>
        <source>Phase %1 skipped: %2</source>
        <translation>Phase %1 übersprungen: %2</translation>
    </message>
    <message>
        <source>Dependencies unchanged since the last successful install: install skipped</source>
        <translation>Abhängigkeiten seit der letzten erfolgreichen Installation unverändert: Installation übersprungen</translation>
    </message>
    <message>
        <source>Installing dependencies: %1</source>
        <translation>Abhängigkeiten werden installiert: %1</translation>
    </message>
    <message>
        <source>The project directory %1 does not exist in the sandbox</source>
        <translation>Das Projektverzeichnis %1 existiert nicht in der Sandbox</translation>
    </message>
    <message>
        <source>The build failed with exit code %1</source>
        <translation>Der Build ist mit Exit-Code %1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>The build&apos;s command is gone from the sandbox (%1); the build was interrupted</source>
        <translation>Der Befehl des Builds ist nicht mehr in der Sandbox vorhanden (%1); der Build wurde unterbrochen</translation>
    </message>
    <message>
        <source>The build driver exited with code %1 without announcing its end</source>
        <translation>Der Build-Treiber wurde mit Code %1 beendet, ohne sein Ende zu melden</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Wird abgebrochen</translation>
    </message>
    <message>
        <source>Build succeeded</source>
        <translation>Build erfolgreich</translation>
    </message>
    <message>
        <source>Build failed</source>
        <translation>Build fehlgeschlagen</translation>
    </message>
    <message>
        <source>The build failed</source>
        <translation>Der Build ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>Build cancelled</source>
        <translation>Build abgebrochen</translation>
    </message>
    <message>
        <source>The build was cancelled</source>
        <translation>Der Build wurde abgebrochen</translation>
    </message>
    <message>
        <source>Build interrupted</source>
        <translation>Build unterbrochen</translation>
    </message>
    <message>
        <source>Build finished: %1</source>
        <translation>Build beendet: %1</translation>
    </message>
    <message>
        <source>Vaporwatch stopped before the build&apos;s command started; the build was interrupted</source>
        <translation>Vaporwatch wurde beendet, bevor der Befehl des Builds startete; der Build wurde unterbrochen</translation>
    </message>
    <message>
        <source>The build&apos;s session %1 is gone from the sandbox (%2); the build was interrupted</source>
        <translation>Die Sitzung %1 des Builds ist nicht mehr in der Sandbox vorhanden (%2); der Build wurde unterbrochen</translation>
    </message>
    <message>
        <source>Re-attached at byte %1 of the log; the command has exited with code %2</source>
        <translation>Bei Byte %1 des Logs wieder verbunden; der Befehl wurde mit Code %2 beendet</translation>
    </message>
    <message>
        <source>Re-attached at byte %1 of the log; the command is running</source>
        <translation>Bei Byte %1 des Logs wieder verbunden; der Befehl läuft</translation>
    </message>
    <message>
        <source>The build&apos;s output could not be stored: %1</source>
        <translation>Die Ausgabe des Builds konnte nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildTransitions</name>
    <message>
        <source>%1: build started</source>
        <translation>%1: Build gestartet</translation>
    </message>
    <message>
        <source>%1: build succeeded</source>
        <translation>%1: Build erfolgreich</translation>
    </message>
    <message>
        <source>%1: build fixed</source>
        <translation>%1: Build wieder erfolgreich</translation>
    </message>
    <message>
        <source>%1: build failed</source>
        <translation>%1: Build fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: build still failing</source>
        <translation>%1: Build schlägt weiterhin fehl</translation>
    </message>
</context>
<context>
    <name>vw::engine::DaytonaConnection</name>
    <message>
        <source>The Daytona API key is kept in the keychain, which cannot be read (%1). Set DAYTONA_API_KEY instead.</source>
        <translation>Der Daytona-API-Schlüssel liegt im Schlüsselbund, der nicht gelesen werden kann (%1). Setzen Sie stattdessen DAYTONA_API_KEY.</translation>
    </message>
    <message>
        <source>A Daytona account is configured but the keychain holds no API key: add it in the app&apos;s Settings or set DAYTONA_API_KEY.</source>
        <translation>Ein Daytona-Konto ist eingerichtet, aber der Schlüsselbund enthält keinen API-Schlüssel: Fügen Sie ihn in den Einstellungen der App hinzu oder setzen Sie DAYTONA_API_KEY.</translation>
    </message>
</context>
<context>
    <name>vw::engine::DevServer</name>
    <message>
        <source>No dev server runs for %1 in sandbox %2</source>
        <translation>Für %1 läuft kein Dev-Server in Sandbox %2</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Kein Daytona-Client.</translation>
    </message>
    <message>
        <source>A sandbox and a project directory are needed.</source>
        <translation>Eine Sandbox und ein Projektverzeichnis werden benötigt.</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Der Port muss zwischen 1 und 65535 liegen.</translation>
    </message>
    <message>
        <source>Port %1 is already in use in the sandbox by another process</source>
        <translation>Port %1 wird in der Sandbox bereits von einem anderen Prozess verwendet</translation>
    </message>
    <message>
        <source>There is no default dev server command for a project of stack &quot;%1&quot;; the command must be given</source>
        <translation>Für ein Projekt mit dem Stack „%1“ gibt es keinen Standardbefehl für den Dev-Server; der Befehl muss angegeben werden</translation>
    </message>
    <message>
        <source>The dev server did not listen on port %1 within %2 s; it was stopped</source>
        <translation>Der Dev-Server hat nicht innerhalb von %2 s auf Port %1 gelauscht; er wurde gestoppt</translation>
    </message>
    <message>
        <source>The dev server command exited with code %1 before port %2 listened</source>
        <translation>Der Befehl des Dev-Servers wurde mit Code %1 beendet, bevor Port %2 lauschte</translation>
    </message>
    <message>
        <source>%1. Its last output:
%2</source>
        <translation>%1. Seine letzte Ausgabe:
%2</translation>
    </message>
    <message>
        <source>No dev server runs for %1 in sandbox %2 (its command had exited; its session was removed)</source>
        <translation>Für %1 läuft kein Dev-Server in Sandbox %2 (sein Befehl war beendet; seine Sitzung wurde entfernt)</translation>
    </message>
</context>
<context>
    <name>vw::engine::DriverScript</name>
    <message>
        <source>The nonce must be 16 to 64 letters or digits.</source>
        <translation>Die Nonce muss aus 16 bis 64 Buchstaben oder Ziffern bestehen.</translation>
    </message>
    <message>
        <source>The project directory is empty.</source>
        <translation>Das Projektverzeichnis ist leer.</translation>
    </message>
    <message>
        <source>A path contains a NUL character.</source>
        <translation>Ein Pfad enthält ein NUL-Zeichen.</translation>
    </message>
    <message>
        <source>A build needs at least one phase.</source>
        <translation>Ein Build benötigt mindestens eine Phase.</translation>
    </message>
    <message>
        <source>Invalid phase name &quot;%1&quot;.</source>
        <translation>Ungültiger Phasenname „%1“.</translation>
    </message>
    <message>
        <source>The phase &quot;%1&quot; appears twice.</source>
        <translation>Die Phase „%1“ kommt zweimal vor.</translation>
    </message>
    <message>
        <source>The command of phase &quot;%1&quot; contains a NUL character.</source>
        <translation>Der Befehl der Phase „%1“ enthält ein NUL-Zeichen.</translation>
    </message>
    <message>
        <source>Invalid skip reason &quot;%1&quot;.</source>
        <translation>Ungültiger Grund zum Überspringen „%1“.</translation>
    </message>
    <message>
        <source>Only one phase can use the dependency cache.</source>
        <translation>Nur eine Phase kann den Abhängigkeits-Cache verwenden.</translation>
    </message>
</context>
<context>
    <name>vw::engine::EngineSession</name>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>vw::engine::LocalSandbox</name>
    <message>
        <source>Cannot create %1</source>
        <translation>%1 kann nicht erstellt werden</translation>
    </message>
    <message>
        <source>Cannot copy the sample project to %1</source>
        <translation>Das Beispielprojekt kann nicht nach %1 kopiert werden</translation>
    </message>
    <message>
        <source>vaporwatch-sandboxd was found neither next to %1 nor on PATH</source>
        <translation>vaporwatch-sandboxd wurde weder neben %1 noch im PATH gefunden</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>The local sandbox server did not start. Its log (%1) ends with:
%2</source>
        <translation>Der lokale Sandbox-Server wurde nicht gestartet. Sein Log (%1) endet mit:
%2</translation>
    </message>
</context>
<context>
    <name>vw::engine::PreviewLocator</name>
    <message>
        <source>No Daytona client.</source>
        <translation>Kein Daytona-Client.</translation>
    </message>
    <message>
        <source>No dev server is listening in the sandbox (tried ports %1)</source>
        <translation>In der Sandbox lauscht kein Dev-Server (versuchte Ports: %1)</translation>
    </message>
    <message>
        <source>no answer within the time limit</source>
        <translation>keine Antwort innerhalb des Zeitlimits</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Der Port muss zwischen 1 und 65535 liegen.</translation>
    </message>
</context>
<context>
    <name>vw::engine::ProcessCheck</name>
    <message>
        <source>The sandbox&apos;s process table could not be read: %1</source>
        <translation>Die Prozesstabelle der Sandbox konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Neither ss nor lsof is installed in the sandbox; the process holding port %1 cannot be named</source>
        <translation>Weder ss noch lsof ist in der Sandbox installiert; der Prozess, der Port %1 belegt, kann nicht ermittelt werden</translation>
    </message>
    <message>
        <source>ps is not installed in the sandbox; process names cannot be checked</source>
        <translation>ps ist in der Sandbox nicht installiert; Prozessnamen können nicht geprüft werden</translation>
    </message>
    <message>
        <source>No sandbox given.</source>
        <translation>Keine Sandbox angegeben.</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Der Port muss zwischen 1 und 65535 liegen.</translation>
    </message>
    <message>
        <source>Give a port, a process name or both to check.</source>
        <translation>Geben Sie einen Port, einen Prozessnamen oder beides zur Prüfung an.</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Kein Daytona-Client.</translation>
    </message>
</context>
<context>
    <name>vw::engine::SecretStore</name>
    <message>
        <source>No keychain is available (a Secret Service such as GNOME Keyring or KWallet must run in the session): %1</source>
        <translation>Kein Schlüsselbund verfügbar (ein Secret Service wie GNOME Keyring oder KWallet muss in der Sitzung laufen): %1</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert: %1</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>Fehler im Schlüsselbund: %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::StackDetector</name>
    <message>
        <source>Installing dependencies with the project&apos;s command</source>
        <translation>Abhängigkeiten werden mit dem Befehl des Projekts installiert</translation>
    </message>
    <message>
        <source>Installing dependencies with %1</source>
        <translation>Abhängigkeiten werden mit %1 installiert</translation>
    </message>
    <message>
        <source>Building with the project&apos;s command</source>
        <translation>Build mit dem Befehl des Projekts</translation>
    </message>
    <message>
        <source>Building with %1</source>
        <translation>Build mit %1</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Kein Daytona-Client.</translation>
    </message>
    <message>
        <source>The project directory is empty.</source>
        <translation>Das Projektverzeichnis ist leer.</translation>
    </message>
    <message>
        <source>The project directory %1 does not exist in sandbox %2.</source>
        <translation>Das Projektverzeichnis %1 existiert nicht in Sandbox %2.</translation>
    </message>
</context>
<context>
    <name>vw::engine::StoreChangeRelay</name>
    <message>
        <source>The relay has no store or has been started already.</source>
        <translation>Das Relais hat keinen Speicher oder wurde bereits gestartet.</translation>
    </message>
</context>
<context>
    <name>vw::ui::AnalyticsView</name>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Show the figures of one project, or of all projects</source>
        <translation>Die Kennzahlen eines Projekts oder aller Projekte anzeigen</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>Alle Projekte</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>The builds created in this period</source>
        <translation>Die in diesem Zeitraum erstellten Builds</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>Letztes Jahr</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Analytics status</source>
        <translation>Status der Auswertung</translation>
    </message>
    <message>
        <source>Project:</source>
        <translation>Projekt:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>Erfolgsquote</translation>
    </message>
    <message>
        <source>Median duration</source>
        <translation>Dauer (Median)</translation>
    </message>
    <message>
        <source>Queue time</source>
        <translation>Wartezeit</translation>
    </message>
    <message>
        <source>Queue time (median)</source>
        <translation>Wartezeit (Median)</translation>
    </message>
    <message>
        <source>Duration of successful builds</source>
        <translation>Dauer erfolgreicher Builds</translation>
    </message>
    <message>
        <source>Median per period</source>
        <translation>Median pro Zeitraum</translation>
    </message>
    <message>
        <source>Slowest builds</source>
        <translation>Langsamste Builds</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>Median</translation>
    </message>
    <message>
        <source>Duration over time</source>
        <translation>Dauer im Zeitverlauf</translation>
    </message>
    <message>
        <source>Succeeded of succeeded and failed</source>
        <translation>Erfolgreiche von erfolgreichen und fehlgeschlagenen</translation>
    </message>
    <message>
        <source>Success rate over time</source>
        <translation>Erfolgsquote im Zeitverlauf</translation>
    </message>
    <message>
        <source>Time per phase (successful builds)</source>
        <translation>Zeit pro Phase (erfolgreiche Builds)</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>Durchschnitt</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Vorbereitung</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>Installation</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>Build</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>Abschluss</translation>
    </message>
    <message>
        <source>Time per phase</source>
        <translation>Zeit pro Phase</translation>
    </message>
    <message>
        <source>Most common errors</source>
        <translation>Häufigste Fehler</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt aufgetreten</translation>
    </message>
    <message>
        <source>Double-click or press Enter to open a build</source>
        <translation>Doppelklicken oder Eingabetaste drücken, um einen Build zu öffnen</translation>
    </message>
    <message>
        <source>Most common errors (similar lines grouped)</source>
        <translation>Häufigste Fehler (ähnliche Zeilen gruppiert)</translation>
    </message>
    <message>
        <source>Updating…</source>
        <translation>Wird aktualisiert…</translation>
    </message>
    <message>
        <source>Cannot read the analytics: %1</source>
        <translation>Die Auswertung kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 succeeded · %2 failed · %3 other</source>
        <translation>%1 erfolgreich · %2 fehlgeschlagen · %3 sonstige</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>of %n finished build(s)</source>
        <translation>
            <numerusform>von %n abgeschlossenen Build</numerusform>
            <numerusform>von %n abgeschlossenen Builds</numerusform>
        </translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>no finished builds</source>
        <translation>keine abgeschlossenen Builds</translation>
    </message>
    <message>
        <source>slowest %1</source>
        <translation>langsamster: %1</translation>
    </message>
    <message>
        <source>no successful builds</source>
        <translation>keine erfolgreichen Builds</translation>
    </message>
    <message>
        <source>p90 %1 · max %2</source>
        <translation>p90 %1 · max. %2</translation>
    </message>
    <message>
        <source>no started builds</source>
        <translation>keine gestarteten Builds</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>Slowest per period</source>
        <translation>Langsamster pro Zeitraum</translation>
    </message>
    <message>
        <source>Median %1</source>
        <translation>Median %1</translation>
    </message>
    <message>
        <source>For example: %1</source>
        <translation>Beispiel: %1</translation>
    </message>
    <message>
        <source>No failed builds with an error line</source>
        <translation>Keine fehlgeschlagenen Builds mit Fehlerzeile</translation>
    </message>
    <message>
        <source>Build #%1</source>
        <translation>Build #%1</translation>
    </message>
    <message>
        <source>Open build #%1</source>
        <translation>Build #%1 öffnen</translation>
    </message>
    <message numerus="yes">
        <source>… and %n older build(s)</source>
        <translation>
            <numerusform>… und %n älterer Build</numerusform>
            <numerusform>… und %n ältere Builds</numerusform>
        </translation>
    </message>
    <message>
        <source>Click a point to open its build (for a period: to list its builds)</source>
        <translation>Klicken Sie auf einen Punkt, um seinen Build zu öffnen (bei einem Zeitraum: um seine Builds aufzulisten)</translation>
    </message>
    <message>
        <source>Builds with the selected error or of the clicked period</source>
        <translation>Builds mit dem gewählten Fehler oder aus dem angeklickten Zeitraum</translation>
    </message>
    <message>
        <source>Build #%1 · %2</source>
        <translation>Build #%1 · %2</translation>
    </message>
    <message numerus="yes">
        <source>… and %n faster build(s)</source>
        <translation>
            <numerusform>… und %n schnellerer Build</numerusform>
            <numerusform>… und %n schnellere Builds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vw::ui::AppController</name>
    <message>
        <source>Settings applied: connected again with the new settings.</source>
        <translation>Einstellungen übernommen: mit den neuen Einstellungen erneut verbunden.</translation>
    </message>
    <message>
        <source>Settings applied.</source>
        <translation>Einstellungen übernommen.</translation>
    </message>
</context>
<context>
    <name>vw::ui::ArtifactsView</name>
    <message>
        <source>Select a build to see its artifacts.</source>
        <translation>Wählen Sie einen Build aus, um seine Artefakte zu sehen.</translation>
    </message>
    <message>
        <source>The build store is closed.</source>
        <translation>Der Build-Speicher ist geschlossen.</translation>
    </message>
    <message>
        <source>Build %1 cannot be read: %2</source>
        <translation>Build %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The artifacts are listed once this build has succeeded.</source>
        <translation>Die Artefakte werden aufgelistet, sobald dieser Build erfolgreich war.</translation>
    </message>
    <message>
        <source>This build did not succeed, so it has no artifacts.</source>
        <translation>Dieser Build war nicht erfolgreich und hat daher keine Artefakte.</translation>
    </message>
    <message>
        <source>The artifacts cannot be read: %1</source>
        <translation>Die Artefakte können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The artifacts of this build have not been listed yet.</source>
        <translation>Die Artefakte dieses Builds wurden noch nicht aufgelistet.</translation>
    </message>
    <message>
        <source>Listing the output directory in the sandbox…</source>
        <translation>Ausgabeverzeichnis in der Sandbox wird aufgelistet…</translation>
    </message>
    <message>
        <source>The output directory could not be listed: %1</source>
        <translation>Das Ausgabeverzeichnis konnte nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Output directory: %1</source>
        <translation>Ausgabeverzeichnis: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s), %1 in total</source>
        <translation>
            <numerusform>%n Datei, insgesamt %1</numerusform>
            <numerusform>%n Dateien, insgesamt %1</numerusform>
        </translation>
    </message>
    <message>
        <source>No output directory was found for this build. Set one in the project&apos;s settings if the build puts its output somewhere unusual.</source>
        <translation>Für diesen Build wurde kein Ausgabeverzeichnis gefunden. Legen Sie eines in den Projekteinstellungen fest, wenn der Build seine Ausgabe an einem ungewöhnlichen Ort ablegt.</translation>
    </message>
    <message>
        <source>The output directory %1 is empty.</source>
        <translation>Das Ausgabeverzeichnis %1 ist leer.</translation>
    </message>
    <message>
        <source>the listing was cut short: the output directory holds too many files.</source>
        <translation>die Liste ist unvollständig: Das Ausgabeverzeichnis enthält zu viele Dateien.</translation>
    </message>
    <message>
        <source>the listing was cut short: some folders are nested too deeply.</source>
        <translation>die Liste ist unvollständig: Einige Ordner sind zu tief verschachtelt.</translation>
    </message>
    <message>
        <source>some folders of the output directory could not be listed.</source>
        <translation>einige Ordner des Ausgabeverzeichnisses konnten nicht aufgelistet werden.</translation>
    </message>
    <message>
        <source>This build has no artifacts.</source>
        <translation>Dieser Build hat keine Artefakte.</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n Byte</numerusform>
            <numerusform>%n Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected to the sandbox.</source>
        <translation>Nicht mit der Sandbox verbunden.</translation>
    </message>
    <message>
        <source>Download Artifacts To</source>
        <translation>Artefakte herunterladen nach</translation>
    </message>
    <message>
        <source>Starting the download…</source>
        <translation>Download wird gestartet…</translation>
    </message>
    <message>
        <source>The download could not start.</source>
        <translation>Der Download konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>%1 wird heruntergeladen…</translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s) to %1.</source>
        <translation>
            <numerusform>%n Datei nach %1 heruntergeladen.</numerusform>
            <numerusform>%n Dateien nach %1 heruntergeladen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Download Selected…</source>
        <translation>Auswahl herunterladen…</translation>
    </message>
    <message>
        <source>Download All…</source>
        <translation>Alle herunterladen…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>List Again</source>
        <translation>Erneut auflisten</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildHistoryModel</name>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Project %1</source>
        <translation>Projekt %1</translation>
    </message>
    <message>
        <source>%1 — build #%2</source>
        <translation>%1 — Build #%2</translation>
    </message>
    <message>
        <source>Not started yet (queued %1)</source>
        <translation>Noch nicht gestartet (wartend seit %1)</translation>
    </message>
    <message>
        <source>No duration was recorded.</source>
        <translation>Es wurde keine Dauer erfasst.</translation>
    </message>
    <message>
        <source>Not finished yet.</source>
        <translation>Noch nicht abgeschlossen.</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>The project the build belongs to</source>
        <translation>Das Projekt, zu dem der Build gehört</translation>
    </message>
    <message>
        <source>How the build ended, or where it stands</source>
        <translation>Wie der Build geendet hat oder wo er gerade steht</translation>
    </message>
    <message>
        <source>Who started the build: manual, cli, agent, rebuild, …</source>
        <translation>Wer den Build gestartet hat: manual, cli, agent, rebuild, …</translation>
    </message>
    <message>
        <source>When the build started, in local time</source>
        <translation>Wann der Build gestartet wurde, in Ortszeit</translation>
    </message>
    <message>
        <source>How long the build took</source>
        <translation>Wie lange der Build gedauert hat</translation>
    </message>
    <message>
        <source>The first meaningful error line of a failed build</source>
        <translation>Die erste aussagekräftige Fehlerzeile eines fehlgeschlagenen Builds</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildIndicator</name>
    <message>
        <source>Build progress</source>
        <translation>Build-Fortschritt</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Noch keine Builds</translation>
    </message>
    <message>
        <source>Running · %1 %2 %</source>
        <translation>Läuft · %1 %2 %</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>started %1</source>
        <translation>gestartet am %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>Dauer: %1</translation>
    </message>
    <message>
        <source>running for %1</source>
        <translation>läuft seit %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildStatus</name>
    <message>
        <source>Install log</source>
        <translation>Installations-Log</translation>
    </message>
    <message>
        <source>Build log</source>
        <translation>Build-Log</translation>
    </message>
    <message>
        <source>Live output</source>
        <translation>Live-Ausgabe</translation>
    </message>
    <message>
        <source>No build selected</source>
        <translation>Kein Build ausgewählt</translation>
    </message>
    <message>
        <source>Build status</source>
        <translation>Build-Status</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>The phase the build is in</source>
        <translation>Die Phase, in der sich der Build befindet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>How long the build has been running</source>
        <translation>Wie lange der Build bereits läuft</translation>
    </message>
    <message>
        <source>Estimated time remaining</source>
        <translation>Geschätzte Restzeit</translation>
    </message>
    <message>
        <source>Estimated from this project&apos;s earlier builds</source>
        <translation>Geschätzt anhand früherer Builds dieses Projekts</translation>
    </message>
    <message>
        <source>Current step</source>
        <translation>Aktueller Schritt</translation>
    </message>
    <message>
        <source>%p %</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Build progress</source>
        <translation>Build-Fortschritt</translation>
    </message>
    <message>
        <source>Progress of the build</source>
        <translation>Fortschritt des Builds</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Jump to First Error</source>
        <translation>Zum ersten Fehler springen</translation>
    </message>
    <message>
        <source>Show the first error line in its log (F8)</source>
        <translation>Die erste Fehlerzeile in ihrem Log anzeigen (F8)</translation>
    </message>
    <message>
        <source>Jump to first error</source>
        <translation>Zum ersten Fehler springen</translation>
    </message>
    <message>
        <source>Phase timeline</source>
        <translation>Phasenverlauf</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Build events</source>
        <translation>Build-Ereignisse</translation>
    </message>
    <message>
        <source>What happened during the build, oldest first</source>
        <translation>Was während des Builds passiert ist, älteste zuerst</translation>
    </message>
    <message>
        <source>Looking for the latest build…</source>
        <translation>Neuester Build wird gesucht…</translation>
    </message>
    <message>
        <source>Could not read the builds: %1</source>
        <translation>Die Builds konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Noch keine Builds</translation>
    </message>
    <message>
        <source>Loading build %1…</source>
        <translation>Build %1 wird geladen…</translation>
    </message>
    <message>
        <source>Build %1 not found</source>
        <translation>Build %1 nicht gefunden</translation>
    </message>
    <message>
        <source>Could not load build %1: %2</source>
        <translation>Build %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Where the build ended</source>
        <translation>Wo der Build geendet hat</translation>
    </message>
    <message>
        <source>%1 % done</source>
        <translation>%1 % erledigt</translation>
    </message>
    <message>
        <source>The first meaningful error line of the build</source>
        <translation>Die erste aussagekräftige Fehlerzeile des Builds</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Duration: %1</source>
        <translation>Dauer: %1</translation>
    </message>
    <message>
        <source>error on line %1</source>
        <translation>Fehler in Zeile %1</translation>
    </message>
    <message>
        <source>almost done</source>
        <translation>fast fertig</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>noch etwa %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildStatusLogPane</name>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>expanded</source>
        <translation>ausgeklappt</translation>
    </message>
    <message>
        <source>collapsed</source>
        <translation>eingeklappt</translation>
    </message>
    <message>
        <source>Show or hide: %1</source>
        <translation>Ein- oder ausblenden: %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::DesktopNotifier</name>
    <message>
        <source>No D-Bus session bus: %1</source>
        <translation>Kein D-Bus-Sitzungsbus: %1</translation>
    </message>
    <message>
        <source>Open build</source>
        <translation>Build öffnen</translation>
    </message>
</context>
<context>
    <name>vw::ui::HistoryView</name>
    <message>
        <source>Build history</source>
        <translation>Build-Verlauf</translation>
    </message>
    <message>
        <source>Project filter</source>
        <translation>Projektfilter</translation>
    </message>
    <message>
        <source>Show the builds of one project only</source>
        <translation>Nur die Builds eines Projekts anzeigen</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>Alle Projekte</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Show the builds with one status only</source>
        <translation>Nur die Builds mit einem bestimmten Status anzeigen</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Beliebiger Status</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Limit the start date</source>
        <translation>Startdatum begrenzen</translation>
    </message>
    <message>
        <source>Only builds created on or after this day</source>
        <translation>Nur Builds, die an oder nach diesem Tag erstellt wurden</translation>
    </message>
    <message>
        <source>Created from</source>
        <translation>Erstellt ab</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Limit the end date</source>
        <translation>Enddatum begrenzen</translation>
    </message>
    <message>
        <source>Only builds created on or before this day</source>
        <translation>Nur Builds, die an oder vor diesem Tag erstellt wurden</translation>
    </message>
    <message>
        <source>Created to</source>
        <translation>Erstellt bis</translation>
    </message>
    <message>
        <source>Search builds</source>
        <translation>Builds durchsuchen</translation>
    </message>
    <message>
        <source>Show builds whose error, step, trigger, stack or session contains this text</source>
        <translation>Builds anzeigen, deren Fehler, Schritt, Auslöser, Stack oder Sitzung diesen Text enthält</translation>
    </message>
    <message>
        <source>Search errors, steps, triggers…</source>
        <translation>Fehler, Schritte, Auslöser durchsuchen…</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Number of builds</source>
        <translation>Anzahl der Builds</translation>
    </message>
    <message>
        <source>Loading builds…</source>
        <translation>Builds werden geladen…</translation>
    </message>
    <message>
        <source>%1 in sandbox %2</source>
        <translation>%1 in Sandbox %2</translation>
    </message>
    <message>
        <source>Cannot read the builds: %1</source>
        <translation>Die Builds können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>1 build</source>
        <translation>1 Build</translation>
    </message>
    <message numerus="yes">
        <source>%Ln builds</source>
        <translation>
            <numerusform>%Ln Build</numerusform>
            <numerusform>%Ln Builds</numerusform>
        </translation>
    </message>
    <message>
        <source>No builds match these filters</source>
        <translation>Keine Builds entsprechen diesen Filtern</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Noch keine Builds</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogSaver</name>
    <message>
        <source>Saving was cancelled.</source>
        <translation>Das Speichern wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Could not save the log to %1: %2</source>
        <translation>Das Log konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogSearchBar</name>
    <message>
        <source>Find in log</source>
        <translation>Im Log suchen</translation>
    </message>
    <message>
        <source>Search text</source>
        <translation>Suchtext</translation>
    </message>
    <message>
        <source>Text to find (Enter: next match, Shift+Enter: previous, Esc: close)</source>
        <translation>Zu suchender Text (Eingabe: nächster Treffer, Umschalt+Eingabe: vorheriger, Esc: schließen)</translation>
    </message>
    <message>
        <source>Aa</source>
        <translation>Aa</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>Groß-/Kleinschreibung beachten</translation>
    </message>
    <message>
        <source>.*</source>
        <translation>.*</translation>
    </message>
    <message>
        <source>Use a regular expression</source>
        <translation>Regulären Ausdruck verwenden</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Regulärer Ausdruck</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Vorheriger Treffer (Umschalt+Eingabe)</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Vorheriger Treffer</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Nächster Treffer (Eingabe)</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Nächster Treffer</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>9999 of 99999+</source>
        <translation>9999 von 99999+</translation>
    </message>
    <message>
        <source>Close the find bar (Esc)</source>
        <translation>Suchleiste schließen (Esc)</translation>
    </message>
    <message>
        <source>Close find bar</source>
        <translation>Suchleiste schließen</translation>
    </message>
    <message>
        <source>Invalid pattern</source>
        <translation>Ungültiges Muster</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>%1+</source>
        <translation>%1+</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Matches: %1</source>
        <translation>Treffer: %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogView</name>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>&amp;Alles auswählen</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>Find &amp;Next</source>
        <translation>&amp;Weitersuchen</translation>
    </message>
    <message>
        <source>Find &amp;Previous</source>
        <translation>&amp;Rückwärts suchen</translation>
    </message>
    <message>
        <source>&amp;Wrap Lines</source>
        <translation>&amp;Zeilen umbrechen</translation>
    </message>
    <message>
        <source>Show &amp;Timestamps</source>
        <translation>Zei&amp;tstempel anzeigen</translation>
    </message>
    <message>
        <source>&amp;Follow Output</source>
        <translation>Ausgabe &amp;folgen</translation>
    </message>
    <message>
        <source>Keep the newest output in view</source>
        <translation>Die neueste Ausgabe im Blick behalten</translation>
    </message>
    <message>
        <source>&amp;Save Log As…</source>
        <translation>Log speichern &amp;unter…</translation>
    </message>
    <message>
        <source>Could not save the log to %1: %2</source>
        <translation>Das Log konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Save Log</source>
        <translation>Log speichern</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>Log-Dateien (*.log *.txt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>vw::ui::PhaseTimeline</name>
    <message>
        <source>Phase timeline</source>
        <translation>Phasen-Zeitleiste</translation>
    </message>
    <message>
        <source>%1 · skipped</source>
        <translation>%1 · übersprungen</translation>
    </message>
    <message>
        <source>%1: skipped (%2)</source>
        <translation>%1: übersprungen (%2)</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>kein Grund angegeben</translation>
    </message>
    <message>
        <source>%1: not started</source>
        <translation>%1: nicht gestartet</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1: fertig</translation>
    </message>
    <message>
        <source>%1: started %2, running for %3</source>
        <translation>%1: gestartet um %2, läuft seit %3</translation>
    </message>
    <message>
        <source>%1: %2 – %3 (%4)</source>
        <translation>%1: %2 – %3 (%4)</translation>
    </message>
    <message>
        <source>, exit code %1</source>
        <translation>, Exit-Code %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::PreviewPane</name>
    <message>
        <source>Preview URL</source>
        <translation>Vorschau-URL</translation>
    </message>
    <message>
        <source>The page shown. Type a path or URL and press Enter: pages of the dev server open here, anything else in your browser.</source>
        <translation>Die angezeigte Seite. Geben Sie einen Pfad oder eine URL ein und drücken Sie Enter: Seiten des Dev-Servers öffnen sich hier, alles andere in Ihrem Browser.</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Check the dev server again and reload the page (F5)</source>
        <translation>Dev-Server erneut prüfen und Seite neu laden (F5)</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Im Browser öffnen</translation>
    </message>
    <message>
        <source>Open this page in your web browser.
The browser does not get the preview token this pane sends in a header, so Daytona asks it to sign in to a private sandbox. To share a page without signing in, use a signed preview URL (it expires) or make the sandbox public.</source>
        <translation>Diese Seite in Ihrem Webbrowser öffnen.
Der Browser erhält nicht das Vorschau-Token, das dieser Bereich in einem Header sendet, daher fordert Daytona ihn bei einer privaten Sandbox zur Anmeldung auf. Um eine Seite ohne Anmeldung zu teilen, verwenden Sie eine signierte Vorschau-URL (sie läuft ab) oder machen Sie die Sandbox öffentlich.</translation>
    </message>
    <message>
        <source>Check Again</source>
        <translation>Erneut prüfen</translation>
    </message>
    <message>
        <source>Nothing to preview yet</source>
        <translation>Noch keine Vorschau verfügbar</translation>
    </message>
    <message>
        <source>Use Run dev server to start the project&apos;s dev server; its pages appear here.</source>
        <translation>Starten Sie mit „Dev-Server starten“ den Dev-Server des Projekts; seine Seiten erscheinen hier.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Looking for the dev server…</source>
        <translation>Dev-Server wird gesucht…</translation>
    </message>
    <message>
        <source>In sandbox “%1”.</source>
        <translation>In Sandbox „%1“.</translation>
    </message>
    <message>
        <source>No dev server is listening in this sandbox</source>
        <translation>In dieser Sandbox lauscht kein Dev-Server</translation>
    </message>
    <message>
        <source>No dev server is running</source>
        <translation>Es läuft kein Dev-Server</translation>
    </message>
    <message>
        <source>Nothing listens on the usual dev server ports in sandbox “%1”.
Use Run dev server to start the project&apos;s dev server; its pages appear here once it listens.</source>
        <translation>Auf den üblichen Dev-Server-Ports in Sandbox „%1“ lauscht nichts.
Starten Sie mit „Dev-Server starten“ den Dev-Server des Projekts; seine Seiten erscheinen hier, sobald er lauscht.</translation>
    </message>
    <message>
        <source>The preview could not be found</source>
        <translation>Die Vorschau wurde nicht gefunden</translation>
    </message>
    <message>
        <source>Checked %1</source>
        <translation>Geprüft: %1</translation>
    </message>
    <message>
        <source>The dev server does not answer</source>
        <translation>Der Dev-Server antwortet nicht</translation>
    </message>
    <message>
        <source>Port %1 of sandbox “%2”: %3.
Is it still starting? Check again in a moment, or use Run dev server.</source>
        <translation>Port %1 der Sandbox „%2“: %3.
Startet er noch? Prüfen Sie gleich noch einmal oder verwenden Sie „Dev-Server starten“.</translation>
    </message>
</context>
<context>
    <name>vw::ui::SettingsDialog</name>
    <message>
        <source>Vaporwatch Settings</source>
        <translation>Vaporwatch-Einstellungen</translation>
    </message>
    <message>
        <source>Daytona</source>
        <translation>Daytona</translation>
    </message>
    <message>
        <source>Use a &amp;Daytona account (otherwise the local sandbox)</source>
        <translation>&amp;Daytona-Konto verwenden (sonst die lokale Sandbox)</translation>
    </message>
    <message>
        <source>Without an account, builds run in the embedded local sandbox on this machine.</source>
        <translation>Ohne Konto laufen Builds in der eingebetteten lokalen Sandbox auf diesem Rechner.</translation>
    </message>
    <message>
        <source>Daytona API URL</source>
        <translation>Daytona-API-URL</translation>
    </message>
    <message>
        <source>Daytona API key</source>
        <translation>Daytona-API-Schlüssel</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file.</source>
        <translation>Wird im Schlüsselbund des Systems gespeichert, nie in einer Einstellungsdatei.</translation>
    </message>
    <message>
        <source>&amp;Remove key</source>
        <translation>Schlüssel &amp;entfernen</translation>
    </message>
    <message>
        <source>Delete the stored API key from the keychain.</source>
        <translation>Den gespeicherten API-Schlüssel aus dem Schlüsselbund löschen.</translation>
    </message>
    <message>
        <source>Target region</source>
        <translation>Zielregion</translation>
    </message>
    <message>
        <source>the organisation&apos;s default (e.g. us, eu)</source>
        <translation>Standard der Organisation (z. B. us, eu)</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>List the sandboxes with this URL and key.</source>
        <translation>Die Sandboxes mit dieser URL und diesem Schlüssel auflisten.</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <source>API &amp;URL:</source>
        <translation>API-&amp;URL:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>Target &amp;region:</source>
        <translation>&amp;Zielregion:</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>A SQLite file, or a postgres://user@host/database URL to share the history with a team. Vaporwatch switches to it when you press OK.</source>
        <translation>Eine SQLite-Datei oder eine postgres://user@host/database-URL, um den Verlauf mit einem Team zu teilen. Vaporwatch wechselt dorthin, wenn Sie OK drücken.</translation>
    </message>
    <message>
        <source>Parallel builds</source>
        <translation>Parallele Builds</translation>
    </message>
    <message>
        <source>Builds in different sandboxes run at once up to this limit; the rest wait as queued.</source>
        <translation>Builds in verschiedenen Sandboxes laufen bis zu diesem Limit gleichzeitig; die übrigen warten in der Warteschlange.</translation>
    </message>
    <message>
        <source>Data&amp;base:</source>
        <translation>Date&amp;nbank:</translation>
    </message>
    <message>
        <source>&amp;Parallel builds:</source>
        <translation>&amp;Parallele Builds:</translation>
    </message>
    <message>
        <source>Agents and scripts</source>
        <translation>Agenten und Skripte</translation>
    </message>
    <message>
        <source>Serve the build &amp;HTTP API and cctray feed on 127.0.0.1</source>
        <translation>Build-&amp;HTTP-API und cctray-Feed auf 127.0.0.1 bereitstellen</translation>
    </message>
    <message>
        <source>Serve the HTTP API</source>
        <translation>HTTP-API bereitstellen</translation>
    </message>
    <message>
        <source>The original platform&apos;s /workspace/build endpoints, a live stream of each build and /cctray.xml for CCMenu and BuildNotify, with a bearer token kept in the keychain</source>
        <translation>Die /workspace/build-Endpunkte der ursprünglichen Plattform, ein Live-Stream jedes Builds und /cctray.xml für CCMenu und BuildNotify, mit einem Bearer-Token im Schlüsselbund</translation>
    </message>
    <message>
        <source>HTTP API port</source>
        <translation>Port der HTTP-API</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>Systemstandard (%1)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>Sp&amp;rache:</translation>
    </message>
    <message>
        <source>Takes effect when Vaporwatch starts again.</source>
        <translation>Wirkt beim nächsten Start von Vaporwatch.</translation>
    </message>
    <message>
        <source>Notify when a build</source>
        <translation>Benachrichtigen, wenn ein Build</translation>
    </message>
    <message>
        <source>&amp;starts</source>
        <translation>st&amp;artet</translation>
    </message>
    <message>
        <source>&amp;fails (broken)</source>
        <translation>&amp;fehlschlägt (defekt)</translation>
    </message>
    <message>
        <source>succeeds after a failure (fi&amp;xed)</source>
        <translation>nach einem Fehlschlag erfolgreich ist (&amp;behoben)</translation>
    </message>
    <message>
        <source>fails again (still fai&amp;ling)</source>
        <translation>erneut fehlschlägt (weiterhin &amp;kaputt)</translation>
    </message>
    <message>
        <source>succeeds a&amp;gain</source>
        <translation>wieder erfol&amp;greich ist</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Save these settings as a JSON file, without the API key or passwords, to use them on another machine</source>
        <translation>Diese Einstellungen ohne API-Schlüssel und Passwörter als JSON-Datei speichern, um sie auf einem anderen Rechner zu verwenden</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Fill the dialog from an exported settings file</source>
        <translation>Den Dialog aus einer exportierten Einstellungsdatei füllen</translation>
    </message>
    <message>
        <source>Export Settings</source>
        <translation>Einstellungen exportieren</translation>
    </message>
    <message>
        <source>Settings (*.json)</source>
        <translation>Einstellungen (*.json)</translation>
    </message>
    <message>
        <source>Import Settings</source>
        <translation>Einstellungen importieren</translation>
    </message>
    <message>
        <source>The settings were not exported to %1: %2</source>
        <translation>Die Einstellungen wurden nicht nach %1 exportiert: %2</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a settings file: %2</source>
        <translation>%1 ist keine Einstellungsdatei: %2</translation>
    </message>
    <message>
        <source>Reading the keychain…</source>
        <translation>Schlüsselbund wird gelesen…</translation>
    </message>
    <message>
        <source>%1
The API key cannot be stored here; set DAYTONA_API_KEY in the environment instead.</source>
        <translation>%1
Der API-Schlüssel kann hier nicht gespeichert werden; setzen Sie stattdessen DAYTONA_API_KEY in der Umgebung.</translation>
    </message>
    <message>
        <source>An API key is stored in the keychain.</source>
        <translation>Im Schlüsselbund ist ein API-Schlüssel gespeichert.</translation>
    </message>
    <message>
        <source>No API key is stored yet.</source>
        <translation>Es ist noch kein API-Schlüssel gespeichert.</translation>
    </message>
    <message>
        <source>stored in the keychain — type to replace</source>
        <translation>im Schlüsselbund gespeichert — zum Ersetzen eingeben</translation>
    </message>
    <message>
        <source>dtn_…</source>
        <translation>dtn_…</translation>
    </message>
    <message>
        <source>Enter an API key first.</source>
        <translation>Geben Sie zuerst einen API-Schlüssel ein.</translation>
    </message>
    <message>
        <source>The API URL is not valid.</source>
        <translation>Die API-URL ist ungültig.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>, …</source>
        <translation>, …</translation>
    </message>
    <message numerus="yes">
        <source>Connected; sandboxes found: %n</source>
        <translation>
            <numerusform>Verbunden; %n Sandbox gefunden</numerusform>
            <numerusform>Verbunden; %n Sandboxes gefunden</numerusform>
        </translation>
    </message>
    <message>
        <source>The API key was removed from the keychain.</source>
        <translation>Der API-Schlüssel wurde aus dem Schlüsselbund entfernt.</translation>
    </message>
    <message>
        <source>The API URL must be an http(s) URL, e.g. %1.</source>
        <translation>Die API-URL muss eine http(s)-URL sein, z. B. %1.</translation>
    </message>
    <message>
        <source>A Daytona account needs an API key, and no keychain is available to keep it: set DAYTONA_API_KEY in the environment, or use the local sandbox.</source>
        <translation>Ein Daytona-Konto benötigt einen API-Schlüssel, und es ist kein Schlüsselbund verfügbar, um ihn zu speichern: Setzen Sie DAYTONA_API_KEY in der Umgebung oder verwenden Sie die lokale Sandbox.</translation>
    </message>
    <message>
        <source>Enter the Daytona API key (or use the local sandbox).</source>
        <translation>Geben Sie den Daytona-API-Schlüssel ein (oder verwenden Sie die lokale Sandbox).</translation>
    </message>
    <message>
        <source>Leave the database password out of the URL (it would be stored in the settings file): PostgreSQL reads it from ~/.pgpass or PGPASSWORD.</source>
        <translation>Lassen Sie das Datenbankpasswort aus der URL weg (es würde in der Einstellungsdatei gespeichert): PostgreSQL liest es aus ~/.pgpass oder PGPASSWORD.</translation>
    </message>
    <message>
        <source>The API key was not saved: %1</source>
        <translation>Der API-Schlüssel wurde nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::TrayController</name>
    <message>
        <source>Recent builds</source>
        <translation>Letzte Builds</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Noch keine Builds</translation>
    </message>
    <message>
        <source>Start build</source>
        <translation>Build starten</translation>
    </message>
    <message>
        <source>Open Vaporwatch</source>
        <translation>Vaporwatch öffnen</translation>
    </message>
    <message>
        <source>Pause notifications</source>
        <translation>Benachrichtigungen pausieren</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Start build of %1</source>
        <translation>Build von %1 starten</translation>
    </message>
    <message>
        <source>Project %1</source>
        <translation>Projekt %1</translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n building</source>
        <translation>
            <numerusform>%n läuft</numerusform>
            <numerusform>%n laufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n succeeded</source>
        <translation>
            <numerusform>%n erfolgreich</numerusform>
            <numerusform>%n erfolgreich</numerusform>
        </translation>
    </message>
    <message>
        <source>Vaporwatch — no builds yet</source>
        <translation>Vaporwatch — noch keine Builds</translation>
    </message>
    <message>
        <source>Vaporwatch — %1</source>
        <translation>Vaporwatch — %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>%1 #%2 · %3</source>
        <translation>%1 #%2 · %3</translation>
    </message>
    <message>
        <source>%1 #%2 · %3 · %4</source>
        <translation>%1 #%2 · %3 · %4</translation>
    </message>
    <message>
        <source>Build #%1 is running.</source>
        <translation>Build #%1 läuft.</translation>
    </message>
    <message>
        <source>Build #%1 is running (started by %2).</source>
        <translation>Build #%1 läuft (gestartet von %2).</translation>
    </message>
    <message>
        <source>Build #%1 succeeded.</source>
        <translation>Build #%1 war erfolgreich.</translation>
    </message>
    <message>
        <source>Build #%1 succeeded in %2.</source>
        <translation>Build #%1 war nach %2 erfolgreich.</translation>
    </message>
    <message>
        <source>Build #%1: %2</source>
        <translation>Build #%1: %2</translation>
    </message>
    <message>
        <source>Build #%1 failed.</source>
        <translation>Build #%1 ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Build #%1 failed after %2.</source>
        <translation>Build #%1 ist nach %2 fehlgeschlagen.</translation>
    </message>
</context>
</TS>
