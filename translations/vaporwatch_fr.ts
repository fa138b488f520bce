<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AppSettings</name>
    <message>
        <source>This is not a Vaporwatch settings file (its &quot;format&quot; is not %1).</source>
        <translation>Ce n&apos;est pas un fichier de paramètres Vaporwatch (son « format » n&apos;est pas %1).</translation>
    </message>
    <message>
        <source>The settings file has an invalid %1.</source>
        <translation>Le fichier de paramètres contient une valeur non valide pour %1.</translation>
    </message>
</context>
<context>
    <name>DaytonaConfig</name>
    <message>
        <source>DAYTONA_SERVER_URL is deprecated; use DAYTONA_API_URL instead.</source>
        <translation>DAYTONA_SERVER_URL est obsolète ; utilisez plutôt DAYTONA_API_URL.</translation>
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
        <translation>pas de réponse</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>dependencies unchanged since the last successful install</source>
        <translation>dépendances inchangées depuis la dernière installation réussie</translation>
    </message>
    <message>
        <source>a previous phase failed</source>
        <translation>une phase précédente a échoué</translation>
    </message>
    <message>
        <source>the build was cancelled</source>
        <translation>le build a été annulé</translation>
    </message>
    <message>
        <source>the project has no build script</source>
        <translation>le projet n&apos;a pas de script de build</translation>
    </message>
    <message>
        <source>the project has no such step</source>
        <translation>le projet n&apos;a pas cette étape</translation>
    </message>
    <message>
        <source>disabled in the project&apos;s settings</source>
        <translation>désactivé dans les paramètres du projet</translation>
    </message>
    <message>
        <source>no earlier successful install in this sandbox</source>
        <translation>aucune installation réussie antérieure dans cette sandbox</translation>
    </message>
    <message>
        <source>the lockfile changed</source>
        <translation>le fichier de verrouillage a changé</translation>
    </message>
    <message>
        <source>the install command changed</source>
        <translation>la commande d&apos;installation a changé</translation>
    </message>
    <message>
        <source>the installed dependencies are gone</source>
        <translation>les dépendances installées ont disparu</translation>
    </message>
    <message>
        <source>the project has no lockfile</source>
        <translation>le projet n&apos;a pas de fichier de verrouillage</translation>
    </message>
    <message>
        <source>clean build</source>
        <translation>build propre</translation>
    </message>
    <message>
        <source>sha256sum is not available in the sandbox</source>
        <translation>sha256sum n&apos;est pas disponible dans la sandbox</translation>
    </message>
</context>
<context>
    <name>StatusStyle</name>
    <message>
        <source>Queued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Réussi</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échoué</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Interrompu</translation>
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
        <translation>Vaporwatch : démarrer et surveiller des builds dans des sandboxes Daytona.</translation>
    </message>
    <message>
        <source>Show this build (in the running Vaporwatch, if any).</source>
        <translation>Afficher ce build (dans le Vaporwatch en cours d&apos;exécution, le cas échéant).</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>--build needs a build id</source>
        <translation>--build nécessite un ID de build</translation>
    </message>
</context>
<context>
    <name>vw</name>
    <message>
        <source>The build store is closed.</source>
        <translation>Le stockage des builds est fermé.</translation>
    </message>
</context>
<context>
    <name>vw::AsyncJob</name>
    <message>
        <source>The operation was canceled.</source>
        <translation>L&apos;opération a été annulée.</translation>
    </message>
</context>
<context>
    <name>vw::BuildEvent</name>
    <message>
        <source>created</source>
        <translation>créé</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>phase started</source>
        <translation>phase démarrée</translation>
    </message>
    <message>
        <source>phase finished</source>
        <translation>phase terminée</translation>
    </message>
    <message>
        <source>phase skipped</source>
        <translation>phase ignorée</translation>
    </message>
    <message>
        <source>command started</source>
        <translation>commande lancée</translation>
    </message>
    <message>
        <source>command exited</source>
        <translation>commande terminée</translation>
    </message>
    <message>
        <source>cache hit</source>
        <translation>cache trouvé</translation>
    </message>
    <message>
        <source>cache miss</source>
        <translation>cache absent</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>reattached</source>
        <translation>reconnecté</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompu</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>terminé</translation>
    </message>
</context>
<context>
    <name>vw::BuildRepository</name>
    <message>
        <source>The Qt PostgreSQL driver (QPSQL) is not installed; install libqt6sql6-psql.</source>
        <translation>Le pilote Qt PostgreSQL (QPSQL) n&apos;est pas installé ; installez libqt6sql6-psql.</translation>
    </message>
    <message>
        <source>The Qt SQLite driver (QSQLITE) is not installed; install libqt6sql6-sqlite.</source>
        <translation>Le pilote Qt SQLite (QSQLITE) n&apos;est pas installé ; installez libqt6sql6-sqlite.</translation>
    </message>
    <message>
        <source>Cannot create the directory %1 for the database.</source>
        <translation>Impossible de créer le répertoire %1 pour la base de données.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Impossible d&apos;ouvrir la base de données %1 : %2</translation>
    </message>
    <message>
        <source>The database %1 cannot use the WAL journal.</source>
        <translation>La base de données %1 ne peut pas utiliser le journal WAL.</translation>
    </message>
    <message>
        <source>The build database is not open.</source>
        <translation>La base de données des builds n&apos;est pas ouverte.</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>Erreur de base de données : %1</translation>
    </message>
    <message>
        <source>A project needs a sandbox and a directory.</source>
        <translation>Un projet nécessite une sandbox et un répertoire.</translation>
    </message>
    <message>
        <source>The new project got no id.</source>
        <translation>Le nouveau projet n&apos;a pas reçu d&apos;ID.</translation>
    </message>
    <message>
        <source>There is no project %1.</source>
        <translation>Le projet %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Build %1 is stored already.</source>
        <translation>Le build %1 est déjà enregistré.</translation>
    </message>
    <message>
        <source>The new build got no id.</source>
        <translation>Le nouveau build n&apos;a pas reçu d&apos;ID.</translation>
    </message>
    <message>
        <source>There is no build %1.</source>
        <translation>Le build %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>A lease needs an owner and a duration.</source>
        <translation>Une réservation nécessite un propriétaire et une durée.</translation>
    </message>
    <message>
        <source>An event needs a type.</source>
        <translation>Un événement nécessite un type.</translation>
    </message>
    <message>
        <source>The new event got no id.</source>
        <translation>Le nouvel événement n&apos;a pas reçu d&apos;ID.</translation>
    </message>
    <message>
        <source>A log piece needs a build.</source>
        <translation>Un fragment de journal nécessite un build.</translation>
    </message>
    <message>
        <source>A log offset cannot be negative.</source>
        <translation>Un décalage de journal ne peut pas être négatif.</translation>
    </message>
    <message>
        <source>Cannot listen for changes: %1</source>
        <translation>Impossible d&apos;écouter les modifications : %1</translation>
    </message>
</context>
<context>
    <name>vw::BuildStatus</name>
    <message>
        <source>queued</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>success</source>
        <translation>réussi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échoué</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompu</translation>
    </message>
</context>
<context>
    <name>vw::BuildStore</name>
    <message>
        <source>The build database is not open.</source>
        <translation>La base de données des builds n&apos;est pas ouverte.</translation>
    </message>
</context>
<context>
    <name>vw::DatabaseUrl</name>
    <message>
        <source>The SQLite URL names no file (use sqlite:///path/to/file).</source>
        <translation>L&apos;URL SQLite n&apos;indique aucun fichier (utilisez sqlite:///chemin/vers/fichier).</translation>
    </message>
    <message>
        <source>Unknown database URL scheme &quot;%1&quot;: use a file path, sqlite:///path or postgres://user:password@host:port/database.</source>
        <translation>Schéma d&apos;URL de base de données « %1 » inconnu : utilisez un chemin de fichier, sqlite:///path ou postgres://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>The PostgreSQL URL is not valid (expected postgres://user:password@host:port/database).</source>
        <translation>L&apos;URL PostgreSQL n&apos;est pas valide (format attendu : postgres://user:password@host:port/database).</translation>
    </message>
    <message>
        <source>The PostgreSQL URL&apos;s path must be just the database name.</source>
        <translation>Le chemin de l&apos;URL PostgreSQL doit être uniquement le nom de la base de données.</translation>
    </message>
    <message>
        <source>Unknown PostgreSQL connection option &quot;%1&quot;.</source>
        <translation>Option de connexion PostgreSQL « %1 » inconnue.</translation>
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
        <translation>Sandboxes et projets</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>Build</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>The selected build: phases, events and logs (Ctrl+1)</source>
        <translation>Le build sélectionné : phases, événements et journaux (Ctrl+1)</translation>
    </message>
    <message>
        <source>Every build, filtered and sorted (Ctrl+2)</source>
        <translation>Tous les builds, filtrés et triés (Ctrl+2)</translation>
    </message>
    <message>
        <source>The project&apos;s dev server (Ctrl+3)</source>
        <translation>Le serveur de développement du projet (Ctrl+3)</translation>
    </message>
    <message>
        <source>Local sandbox (no Daytona account)</source>
        <translation>Sandbox locale (sans compte Daytona)</translation>
    </message>
    <message>
        <source>Daytona · %1</source>
        <translation>Daytona · %1</translation>
    </message>
    <message>
        <source>&amp;Start Build</source>
        <translation>&amp;Démarrer le build</translation>
    </message>
    <message>
        <source>Start a build of the selected project</source>
        <translation>Démarrer un build du projet sélectionné</translation>
    </message>
    <message>
        <source>C&amp;lean Build</source>
        <translation>Build &amp;propre</translation>
    </message>
    <message>
        <source>Build without the dependency cache</source>
        <translation>Lancer un build sans le cache des dépendances</translation>
    </message>
    <message>
        <source>&amp;Rebuild</source>
        <translation>&amp;Relancer le build</translation>
    </message>
    <message>
        <source>Build the latest build&apos;s project again with its settings</source>
        <translation>Relancer le build du projet du dernier build avec ses paramètres</translation>
    </message>
    <message>
        <source>&amp;Cancel Build</source>
        <translation>&amp;Annuler le build</translation>
    </message>
    <message>
        <source>Stop the running build</source>
        <translation>Arrêter le build en cours</translation>
    </message>
    <message>
        <source>Run &amp;Dev Server</source>
        <translation>Lancer le &amp;serveur de développement</translation>
    </message>
    <message>
        <source>Start the project&apos;s dev server in its sandbox and preview it</source>
        <translation>Démarrer le serveur de développement du projet dans sa sandbox et l&apos;afficher en aperçu</translation>
    </message>
    <message>
        <source>Open Preview in &amp;Browser</source>
        <translation>Ouvrir l&apos;aperçu dans le &amp;navigateur</translation>
    </message>
    <message>
        <source>Open the sandbox&apos;s dev server in the web browser</source>
        <translation>Ouvrir le serveur de développement de la sandbox dans le navigateur web</translation>
    </message>
    <message>
        <source>&amp;Add Project…</source>
        <translation>A&amp;jouter un projet…</translation>
    </message>
    <message>
        <source>Add a directory of the selected sandbox as a project</source>
        <translation>Ajouter un répertoire de la sandbox sélectionnée comme projet</translation>
    </message>
    <message>
        <source>Re&amp;fresh Sandboxes</source>
        <translation>Actualiser les sand&amp;boxes</translation>
    </message>
    <message>
        <source>List the sandboxes and their states again</source>
        <translation>Lister à nouveau les sandboxes et leurs états</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>Param&amp;ètres…</translation>
    </message>
    <message>
        <source>Daytona account, database, notifications (%1)</source>
        <translation>Compte Daytona, base de données, notifications (%1)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Build</source>
        <translation>&amp;Build</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>A&amp;perçu</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;Historique</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>&amp;About Vaporwatch</source>
        <translation>À &amp;propos de Vaporwatch</translation>
    </message>
    <message>
        <source>About Vaporwatch</source>
        <translation>À propos de Vaporwatch</translation>
    </message>
    <message>
        <source>&lt;b&gt;Vaporwatch %1&lt;/b&gt;&lt;p&gt;Starts and watches builds inside Daytona sandboxes.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Vaporwatch %1&lt;/b&gt;&lt;p&gt;Démarre et surveille des builds dans des sandboxes Daytona.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Aucun build pour l&apos;instant</translation>
    </message>
    <message>
        <source>Select a project and press Start Build (Ctrl+B): it builds in its sandbox, phase by phase, with its logs. Without a Daytona account the local sandbox&apos;s sample project is ready; add an account in Settings.</source>
        <translation>Sélectionnez un projet et cliquez sur « Démarrer le build » (Ctrl+B) : le build s&apos;exécute dans sa sandbox, phase par phase, avec ses journaux. Sans compte Daytona, le projet d&apos;exemple de la sandbox locale est prêt ; ajoutez un compte dans les paramètres.</translation>
    </message>
    <message>
        <source>Sample project</source>
        <translation>Projet d&apos;exemple</translation>
    </message>
    <message>
        <source>Builds cannot start: %1 (see Settings)</source>
        <translation>Les builds ne peuvent pas démarrer : %1 (voir les paramètres)</translation>
    </message>
    <message>
        <source>Sandbox %1 (%2), %3</source>
        <translation>Sandbox %1 (%2), %3</translation>
    </message>
    <message>
        <source>%1 in sandbox %2</source>
        <translation>%1 dans la sandbox %2</translation>
    </message>
    <message>
        <source>Cannot open the build: %1</source>
        <translation>Impossible d&apos;ouvrir le build : %1</translation>
    </message>
    <message>
        <source>The build did not start: %1</source>
        <translation>Le build n&apos;a pas démarré : %1</translation>
    </message>
    <message>
        <source>The rebuild did not start: %1</source>
        <translation>La relance du build n&apos;a pas démarré : %1</translation>
    </message>
    <message>
        <source>The build was not cancelled: %1</source>
        <translation>Le build n&apos;a pas été annulé : %1</translation>
    </message>
    <message>
        <source>Starting the dev server of %1…</source>
        <translation>Démarrage du serveur de développement de %1…</translation>
    </message>
    <message>
        <source>The dev server did not start: %1</source>
        <translation>Le serveur de développement n&apos;a pas démarré : %1</translation>
    </message>
    <message>
        <source>The dev server was already running on port %1 (%2)</source>
        <translation>Le serveur de développement était déjà en cours d&apos;exécution sur le port %1 (%2)</translation>
    </message>
    <message>
        <source>The dev server runs on port %1 (%2)</source>
        <translation>Le serveur de développement s&apos;exécute sur le port %1 (%2)</translation>
    </message>
    <message>
        <source>No dev server to open in %1: %2 Run Dev Server (Ctrl+Shift+R) starts one.</source>
        <translation>Aucun serveur de développement à ouvrir dans %1 : %2 « Lancer le serveur de développement » (Ctrl+Maj+R) en démarre un.</translation>
    </message>
    <message>
        <source>Opened %1 in the browser</source>
        <translation>%1 ouvert dans le navigateur</translation>
    </message>
    <message>
        <source>Add Project</source>
        <translation>Ajouter un projet</translation>
    </message>
    <message>
        <source>Sandbox (name or id):</source>
        <translation>Sandbox (nom ou ID) :</translation>
    </message>
    <message>
        <source>Project directory in sandbox %1 (absolute, or relative to the sandbox&apos;s working directory):</source>
        <translation>Répertoire du projet dans la sandbox %1 (absolu, ou relatif au répertoire de travail de la sandbox) :</translation>
    </message>
    <message>
        <source>The project was not added: %1</source>
        <translation>Le projet n&apos;a pas été ajouté : %1</translation>
    </message>
    <message>
        <source>The sandboxes could not be listed: %1</source>
        <translation>Impossible de lister les sandboxes : %1</translation>
    </message>
    <message>
        <source>creating</source>
        <translation>création</translation>
    </message>
    <message>
        <source>restoring</source>
        <translation>restauration</translation>
    </message>
    <message>
        <source>destroyed</source>
        <translation>détruite</translation>
    </message>
    <message>
        <source>destroying</source>
        <translation>destruction</translation>
    </message>
    <message>
        <source>started</source>
        <translation>démarrée</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêtée</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>arrêt</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>image build failed</source>
        <translation>échec de la construction de l&apos;image</translation>
    </message>
    <message>
        <source>image pending</source>
        <translation>image en attente</translation>
    </message>
    <message>
        <source>building snapshot</source>
        <translation>création du snapshot</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>pulling snapshot</source>
        <translation>récupération du snapshot</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archivée</translation>
    </message>
    <message>
        <source>archiving</source>
        <translation>archivage</translation>
    </message>
    <message>
        <source>resizing</source>
        <translation>redimensionnement</translation>
    </message>
    <message>
        <source>snapshotting</source>
        <translation>snapshot en cours</translation>
    </message>
    <message>
        <source>forking</source>
        <translation>duplication</translation>
    </message>
    <message>
        <source>pausing</source>
        <translation>mise en pause</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>resuming</source>
        <translation>reprise</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Build, history, preview, analytics and artifacts</source>
        <translation>Build, historique, aperçu, statistiques et artefacts</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Statistiques</translation>
    </message>
    <message>
        <source>Artifacts</source>
        <translation>Artefacts</translation>
    </message>
    <message>
        <source>Durations, success rate, phases, queue time and the most common errors over a period (Ctrl+4)</source>
        <translation>Durées, taux de réussite, phases, temps d&apos;attente et erreurs les plus fréquentes sur une période (Ctrl+4)</translation>
    </message>
    <message>
        <source>The shown build&apos;s output files, to download (Ctrl+5)</source>
        <translation>Les fichiers produits par le build affiché, à télécharger (Ctrl+5)</translation>
    </message>
    <message>
        <source>&amp;Analytics</source>
        <translation>&amp;Statistiques</translation>
    </message>
    <message>
        <source>A&amp;rtifacts</source>
        <translation>A&amp;rtefacts</translation>
    </message>
</context>
<context>
    <name>vw::Phase</name>
    <message>
        <source>setup</source>
        <translation>préparation</translation>
    </message>
    <message>
        <source>install</source>
        <translation>installation</translation>
    </message>
    <message>
        <source>build</source>
        <translation>build</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>finalisation</translation>
    </message>
</context>
<context>
    <name>vw::SchemaMigrations</name>
    <message>
        <source>Cannot read the schema version</source>
        <translation>Impossible de lire la version du schéma</translation>
    </message>
    <message>
        <source>The database has schema version %1, but this Vaporwatch knows only versions up to %2. Use a newer Vaporwatch with this database.</source>
        <translation>La base de données utilise la version de schéma %1, mais cette version de Vaporwatch ne connaît que les versions jusqu&apos;à %2. Utilisez une version plus récente de Vaporwatch avec cette base de données.</translation>
    </message>
    <message>
        <source>Cannot create the schema_version table: %1</source>
        <translation>Impossible de créer la table schema_version : %1</translation>
    </message>
    <message>
        <source>Cannot start the migration to version %1: %2</source>
        <translation>Impossible de démarrer la migration vers la version %1 : %2</translation>
    </message>
    <message>
        <source>The migration to schema version %1 failed: %2</source>
        <translation>La migration vers la version de schéma %1 a échoué : %2</translation>
    </message>
    <message>
        <source>The database has schema version %1, but this Vaporwatch knows only versions up to %2.</source>
        <translation>La base de données utilise la version de schéma %1, mais cette version de Vaporwatch ne connaît que les versions jusqu&apos;à %2.</translation>
    </message>
</context>
<context>
    <name>vw::daytona::ApiTransport</name>
    <message>
        <source>Could not write the downloaded data: %1</source>
        <translation>Impossible d&apos;écrire les données téléchargées : %1</translation>
    </message>
</context>
<context>
    <name>vw::daytona::CommandLogFollower</name>
    <message>
        <source>The Daytona client is gone.</source>
        <translation>Le client Daytona n&apos;existe plus.</translation>
    </message>
    <message>
        <source>The log WebSocket closed unexpectedly: %1</source>
        <translation>Le WebSocket du journal s&apos;est fermé de manière inattendue : %1</translation>
    </message>
    <message>
        <source>The log WebSocket stopped answering.</source>
        <translation>Le WebSocket du journal ne répond plus.</translation>
    </message>
    <message>
        <source>the command log shrank</source>
        <translation>le journal de la commande a rétréci</translation>
    </message>
</context>
<context>
    <name>vw::daytona::DaytonaClient</name>
    <message>
        <source>Sandbox %1 failed to start: %2</source>
        <translation>Échec du démarrage de la sandbox %1 : %2</translation>
    </message>
    <message numerus="yes">
        <source>Sandbox %1 did not start within %n second(s)</source>
        <translation>
            <numerusform>La sandbox %1 n&apos;a pas démarré en %n seconde</numerusform>
            <numerusform>La sandbox %1 n&apos;a pas démarré en %n secondes</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>vw::daytona::ErrorParser</name>
    <message>
        <source>Bad request</source>
        <translation>Requête incorrecte</translation>
    </message>
    <message>
        <source>Unauthorized: the API key or token was not accepted</source>
        <translation>Non autorisé : la clé d&apos;API ou le jeton n&apos;a pas été accepté</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>Accès interdit</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Introuvable</translation>
    </message>
    <message>
        <source>Method not allowed</source>
        <translation>Méthode non autorisée</translation>
    </message>
    <message>
        <source>Request timed out</source>
        <translation>Délai de la requête dépassé</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Conflit</translation>
    </message>
    <message>
        <source>Gone</source>
        <translation>N&apos;existe plus</translation>
    </message>
    <message>
        <source>Payload too large</source>
        <translation>Charge utile trop volumineuse</translation>
    </message>
    <message>
        <source>Unprocessable entity</source>
        <translation>Entité non traitable</translation>
    </message>
    <message>
        <source>Too many requests</source>
        <translation>Trop de requêtes</translation>
    </message>
    <message>
        <source>Internal server error</source>
        <translation>Erreur interne du serveur</translation>
    </message>
    <message>
        <source>Not implemented</source>
        <translation>Non implémenté</translation>
    </message>
    <message>
        <source>Bad gateway</source>
        <translation>Passerelle incorrecte</translation>
    </message>
    <message>
        <source>Service unavailable</source>
        <translation>Service indisponible</translation>
    </message>
    <message>
        <source>Gateway timeout</source>
        <translation>Délai d&apos;attente de la passerelle dépassé</translation>
    </message>
    <message>
        <source>The server answered HTTP %1</source>
        <translation>Le serveur a répondu HTTP %1</translation>
    </message>
    <message>
        <source>The server did not answer in time</source>
        <translation>Le serveur n&apos;a pas répondu à temps</translation>
    </message>
    <message>
        <source>Network error</source>
        <translation>Erreur réseau</translation>
    </message>
    <message>
        <source>Unexpected answer from the server: %1</source>
        <translation>Réponse inattendue du serveur : %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactDownloader</name>
    <message>
        <source>%1 is not one of the build&apos;s artifacts.</source>
        <translation>%1 ne fait pas partie des artefacts du build.</translation>
    </message>
    <message>
        <source>%1 would be saved outside the chosen folder.</source>
        <translation>%1 serait enregistré en dehors du dossier choisi.</translation>
    </message>
    <message>
        <source>There is no connection to the sandbox.</source>
        <translation>Il n&apos;y a pas de connexion à la sandbox.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>it is no longer in the sandbox (HTTP 404)</source>
        <translation>il n&apos;est plus dans la sandbox (HTTP 404)</translation>
    </message>
    <message>
        <source>the sandbox refused to read it (HTTP 403)</source>
        <translation>la sandbox a refusé de le lire (HTTP 403)</translation>
    </message>
    <message>
        <source>the sandbox cannot send it (HTTP 400)</source>
        <translation>la sandbox ne peut pas l&apos;envoyer (HTTP 400)</translation>
    </message>
    <message>
        <source>Cannot download %1: %2</source>
        <translation>Impossible de télécharger %1 : %2</translation>
    </message>
    <message>
        <source>The download was cancelled.</source>
        <translation>Le téléchargement a été annulé.</translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s).</source>
        <translation>
            <numerusform>%n fichier téléchargé.</numerusform>
            <numerusform>%n fichiers téléchargés.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be downloaded</source>
        <translation>
            <numerusform>%n fichier n&apos;a pas pu être téléchargé</numerusform>
            <numerusform>%n fichiers n&apos;ont pas pu être téléchargés</numerusform>
        </translation>
    </message>
    <message>
        <source>the connection to the sandbox was lost during the transfer</source>
        <translation>la connexion à la sandbox a été perdue pendant le transfert</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactFileSink</name>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>The download was discarded.</source>
        <translation>Le téléchargement a été abandonné.</translation>
    </message>
    <message>
        <source>The download was cancelled.</source>
        <translation>Le téléchargement a été annulé.</translation>
    </message>
</context>
<context>
    <name>vw::engine::ArtifactScanner</name>
    <message>
        <source>There is no connection to the sandboxes.</source>
        <translation>Il n&apos;y a pas de connexion aux sandboxes.</translation>
    </message>
    <message>
        <source>Cannot list %1 in the sandbox: %2</source>
        <translation>Impossible de lister %1 dans la sandbox : %2</translation>
    </message>
    <message>
        <source>Build %1 did not succeed: it has no artifacts to list.</source>
        <translation>Le build %1 n&apos;a pas réussi : il n&apos;a aucun artefact à lister.</translation>
    </message>
    <message>
        <source>The build store is closed.</source>
        <translation>Le stockage des builds est fermé.</translation>
    </message>
    <message>
        <source>The listing was cancelled.</source>
        <translation>Le listage a été annulé.</translation>
    </message>
    <message>
        <source>Cannot list the project directory %1 in the sandbox: %2</source>
        <translation>Impossible de lister le répertoire du projet %1 dans la sandbox : %2</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildManager</name>
    <message>
        <source>Waiting for a free slot</source>
        <translation>En attente d&apos;un emplacement libre</translation>
    </message>
    <message>
        <source>Build #%1 created (%2)</source>
        <translation>Build #%1 créé (%2)</translation>
    </message>
    <message>
        <source>Build cancelled</source>
        <translation>Build annulé</translation>
    </message>
    <message>
        <source>Cancelled while queued</source>
        <translation>Annulé alors qu&apos;il était en attente</translation>
    </message>
    <message>
        <source>Build finished: cancelled</source>
        <translation>Build terminé : annulé</translation>
    </message>
    <message>
        <source>Build #%1 has already ended (%2)</source>
        <translation>Le build #%1 est déjà terminé (%2)</translation>
    </message>
    <message>
        <source>Build #%1 keeps changing hands; try again</source>
        <translation>Le build #%1 change sans cesse de propriétaire ; réessayez</translation>
    </message>
    <message>
        <source>Build #%1 is still being set up by another Vaporwatch process (%2); try again in a moment</source>
        <translation>Le build #%1 est encore en préparation par un autre processus Vaporwatch (%2) ; réessayez dans un instant</translation>
    </message>
    <message>
        <source>The driver of build #%1 could not be signalled (exit code %2)</source>
        <translation>Le pilote du build #%1 n&apos;a pas pu recevoir de signal (code de sortie %2)</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildRun</name>
    <message>
        <source>Detecting the stack</source>
        <translation>Détection de la pile technique</translation>
    </message>
    <message>
        <source>Setup started</source>
        <translation>Préparation démarrée</translation>
    </message>
    <message>
        <source>Starting the build in the sandbox</source>
        <translation>Démarrage du build dans la sandbox</translation>
    </message>
    <message>
        <source>Could not create the build&apos;s session: %1</source>
        <translation>Impossible de créer la session du build : %1</translation>
    </message>
    <message>
        <source>Could not start the build: %1</source>
        <translation>Impossible de démarrer le build : %1</translation>
    </message>
    <message>
        <source>Setup finished: %1</source>
        <translation>Préparation terminée : %1</translation>
    </message>
    <message>
        <source>Build driver started in session %1</source>
        <translation>Pilote de build démarré dans la session %1</translation>
    </message>
    <message>
        <source>Installing dependencies</source>
        <translation>Installation des dépendances</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>Build en cours</translation>
    </message>
    <message>
        <source>Phase %1 started</source>
        <translation>Phase %1 démarrée</translation>
    </message>
    <message>
        <source>The %1 command exited with code %2</source>
        <translation>La commande de la phase %1 s&apos;est terminée avec le code %2</translation>
    </message>
    <message>
        <source>Phase %1 finished</source>
        <translation>Phase %1 terminée</translation>
    </message>
    <message>
        <source>Phase %1 skipped: %2</source>
        <translation>Phase %1 ignorée : %2</translation>
    </message>
    <message>
        <source>Dependencies unchanged since the last successful install: install skipped</source>
        <translation>Dépendances inchangées depuis la dernière installation réussie : installation ignorée</translation>
    </message>
    <message>
        <source>Installing dependencies: %1</source>
        <translation>Installation des dépendances : %1</translation>
    </message>
    <message>
        <source>The project directory %1 does not exist in the sandbox</source>
        <translation>Le répertoire du projet %1 n&apos;existe pas dans la sandbox</translation>
    </message>
    <message>
        <source>The build failed with exit code %1</source>
        <translation>Le build a échoué avec le code de sortie %1</translation>
    </message>
    <message>
        <source>The build&apos;s command is gone from the sandbox (%1); the build was interrupted</source>
        <translation>La commande du build n&apos;existe plus dans la sandbox (%1) ; le build a été interrompu</translation>
    </message>
    <message>
        <source>The build driver exited with code %1 without announcing its end</source>
        <translation>Le pilote de build s&apos;est terminé avec le code %1 sans annoncer sa fin</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Annulation</translation>
    </message>
    <message>
        <source>Build succeeded</source>
        <translation>Build réussi</translation>
    </message>
    <message>
        <source>Build failed</source>
        <translation>Build échoué</translation>
    </message>
    <message>
        <source>The build failed</source>
        <translation>Le build a échoué</translation>
    </message>
    <message>
        <source>Build cancelled</source>
        <translation>Build annulé</translation>
    </message>
    <message>
        <source>The build was cancelled</source>
        <translation>Le build a été annulé</translation>
    </message>
    <message>
        <source>Build interrupted</source>
        <translation>Build interrompu</translation>
    </message>
    <message>
        <source>Build finished: %1</source>
        <translation>Build terminé : %1</translation>
    </message>
    <message>
        <source>Vaporwatch stopped before the build&apos;s command started; the build was interrupted</source>
        <translation>Vaporwatch s&apos;est arrêté avant le démarrage de la commande du build ; le build a été interrompu</translation>
    </message>
    <message>
        <source>The build&apos;s session %1 is gone from the sandbox (%2); the build was interrupted</source>
        <translation>La session %1 du build n&apos;existe plus dans la sandbox (%2) ; le build a été interrompu</translation>
    </message>
    <message>
        <source>Re-attached at byte %1 of the log; the command has exited with code %2</source>
        <translation>Reconnecté à l&apos;octet %1 du journal ; la commande s&apos;est terminée avec le code %2</translation>
    </message>
    <message>
        <source>Re-attached at byte %1 of the log; the command is running</source>
        <translation>Reconnecté à l&apos;octet %1 du journal ; la commande est en cours</translation>
    </message>
    <message>
        <source>The build&apos;s output could not be stored: %1</source>
        <translation>Impossible d&apos;enregistrer la sortie du build : %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::BuildTransitions</name>
    <message>
        <source>%1: build started</source>
        <translation>%1 : build démarré</translation>
    </message>
    <message>
        <source>%1: build succeeded</source>
        <translation>%1 : build réussi</translation>
    </message>
    <message>
        <source>%1: build fixed</source>
        <translation>%1 : build réparé</translation>
    </message>
    <message>
        <source>%1: build failed</source>
        <translation>%1 : build échoué</translation>
    </message>
    <message>
        <source>%1: build still failing</source>
        <translation>%1 : le build échoue toujours</translation>
    </message>
</context>
<context>
    <name>vw::engine::DaytonaConnection</name>
    <message>
        <source>The Daytona API key is kept in the keychain, which cannot be read (%1). Set DAYTONA_API_KEY instead.</source>
        <translation>La clé d&apos;API Daytona est conservée dans le trousseau, qui ne peut pas être lu (%1). Définissez plutôt DAYTONA_API_KEY.</translation>
    </message>
    <message>
        <source>A Daytona account is configured but the keychain holds no API key: add it in the app&apos;s Settings or set DAYTONA_API_KEY.</source>
        <translation>Un compte Daytona est configuré mais le trousseau ne contient aucune clé d&apos;API : ajoutez-la dans les paramètres de l&apos;application ou définissez DAYTONA_API_KEY.</translation>
    </message>
</context>
<context>
    <name>vw::engine::DevServer</name>
    <message>
        <source>No dev server runs for %1 in sandbox %2</source>
        <translation>Aucun serveur de développement ne tourne pour %1 dans la sandbox %2</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Aucun client Daytona.</translation>
    </message>
    <message>
        <source>A sandbox and a project directory are needed.</source>
        <translation>Une sandbox et un répertoire de projet sont nécessaires.</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Le port doit être compris entre 1 et 65535.</translation>
    </message>
    <message>
        <source>Port %1 is already in use in the sandbox by another process</source>
        <translation>Le port %1 est déjà utilisé dans la sandbox par un autre processus</translation>
    </message>
    <message>
        <source>There is no default dev server command for a project of stack &quot;%1&quot;; the command must be given</source>
        <translation>Il n&apos;existe pas de commande de serveur de développement par défaut pour un projet de pile « %1 » ; la commande doit être indiquée</translation>
    </message>
    <message>
        <source>The dev server did not listen on port %1 within %2 s; it was stopped</source>
        <translation>Le serveur de développement n&apos;a pas écouté sur le port %1 dans les %2 s ; il a été arrêté</translation>
    </message>
    <message>
        <source>The dev server command exited with code %1 before port %2 listened</source>
        <translation>La commande du serveur de développement s&apos;est terminée avec le code %1 avant que le port %2 soit en écoute</translation>
    </message>
    <message>
        <source>%1. Its last output:
%2</source>
        <translation>%1. Sa dernière sortie :
%2</translation>
    </message>
    <message>
        <source>No dev server runs for %1 in sandbox %2 (its command had exited; its session was removed)</source>
        <translation>Aucun serveur de développement ne tourne pour %1 dans la sandbox %2 (sa commande s&apos;était terminée ; sa session a été supprimée)</translation>
    </message>
</context>
<context>
    <name>vw::engine::DriverScript</name>
    <message>
        <source>The nonce must be 16 to 64 letters or digits.</source>
        <translation>Le nonce doit comporter de 16 à 64 lettres ou chiffres.</translation>
    </message>
    <message>
        <source>The project directory is empty.</source>
        <translation>Le répertoire du projet est vide.</translation>
    </message>
    <message>
        <source>A path contains a NUL character.</source>
        <translation>Un chemin contient un caractère NUL.</translation>
    </message>
    <message>
        <source>A build needs at least one phase.</source>
        <translation>Un build nécessite au moins une phase.</translation>
    </message>
    <message>
        <source>Invalid phase name &quot;%1&quot;.</source>
        <translation>Nom de phase « %1 » non valide.</translation>
    </message>
    <message>
        <source>The phase &quot;%1&quot; appears twice.</source>
        <translation>La phase « %1 » apparaît deux fois.</translation>
    </message>
    <message>
        <source>The command of phase &quot;%1&quot; contains a NUL character.</source>
        <translation>La commande de la phase « %1 » contient un caractère NUL.</translation>
    </message>
    <message>
        <source>Invalid skip reason &quot;%1&quot;.</source>
        <translation>Motif d&apos;omission « %1 » non valide.</translation>
    </message>
    <message>
        <source>Only one phase can use the dependency cache.</source>
        <translation>Une seule phase peut utiliser le cache des dépendances.</translation>
    </message>
</context>
<context>
    <name>vw::engine::EngineSession</name>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Impossible d&apos;ouvrir la base de données %1 : %2</translation>
    </message>
</context>
<context>
    <name>vw::engine::LocalSandbox</name>
    <message>
        <source>Cannot create %1</source>
        <translation>Impossible de créer %1</translation>
    </message>
    <message>
        <source>Cannot copy the sample project to %1</source>
        <translation>Impossible de copier le projet d&apos;exemple vers %1</translation>
    </message>
    <message>
        <source>vaporwatch-sandboxd was found neither next to %1 nor on PATH</source>
        <translation>vaporwatch-sandboxd est introuvable, ni à côté de %1 ni dans le PATH</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Impossible de démarrer %1 : %2</translation>
    </message>
    <message>
        <source>The local sandbox server did not start. Its log (%1) ends with:
%2</source>
        <translation>Le serveur de sandbox local n&apos;a pas démarré. Son journal (%1) se termine par :
%2</translation>
    </message>
</context>
<context>
    <name>vw::engine::PreviewLocator</name>
    <message>
        <source>No Daytona client.</source>
        <translation>Aucun client Daytona.</translation>
    </message>
    <message>
        <source>No dev server is listening in the sandbox (tried ports %1)</source>
        <translation>Aucun serveur de développement n&apos;écoute dans la sandbox (ports essayés : %1)</translation>
    </message>
    <message>
        <source>no answer within the time limit</source>
        <translation>aucune réponse dans le délai imparti</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Le port doit être compris entre 1 et 65535.</translation>
    </message>
</context>
<context>
    <name>vw::engine::ProcessCheck</name>
    <message>
        <source>The sandbox&apos;s process table could not be read: %1</source>
        <translation>Impossible de lire la table des processus de la sandbox : %1</translation>
    </message>
    <message>
        <source>Neither ss nor lsof is installed in the sandbox; the process holding port %1 cannot be named</source>
        <translation>Ni ss ni lsof n&apos;est installé dans la sandbox ; le processus qui occupe le port %1 ne peut pas être identifié</translation>
    </message>
    <message>
        <source>ps is not installed in the sandbox; process names cannot be checked</source>
        <translation>ps n&apos;est pas installé dans la sandbox ; les noms de processus ne peuvent pas être vérifiés</translation>
    </message>
    <message>
        <source>No sandbox given.</source>
        <translation>Aucune sandbox indiquée.</translation>
    </message>
    <message>
        <source>The port must be between 1 and 65535.</source>
        <translation>Le port doit être compris entre 1 et 65535.</translation>
    </message>
    <message>
        <source>Give a port, a process name or both to check.</source>
        <translation>Indiquez un port, un nom de processus ou les deux à vérifier.</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Aucun client Daytona.</translation>
    </message>
</context>
<context>
    <name>vw::engine::SecretStore</name>
    <message>
        <source>No keychain is available (a Secret Service such as GNOME Keyring or KWallet must run in the session): %1</source>
        <translation>Aucun trousseau n&apos;est disponible (un Secret Service tel que GNOME Keyring ou KWallet doit tourner dans la session) : %1</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>Le trousseau a refusé l&apos;accès : %1</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>Échec du trousseau : %1</translation>
    </message>
</context>
<context>
    <name>vw::engine::StackDetector</name>
    <message>
        <source>Installing dependencies with the project&apos;s command</source>
        <translation>Installation des dépendances avec la commande du projet</translation>
    </message>
    <message>
        <source>Installing dependencies with %1</source>
        <translation>Installation des dépendances avec %1</translation>
    </message>
    <message>
        <source>Building with the project&apos;s command</source>
        <translation>Build avec la commande du projet</translation>
    </message>
    <message>
        <source>Building with %1</source>
        <translation>Build avec %1</translation>
    </message>
    <message>
        <source>No Daytona client.</source>
        <translation>Aucun client Daytona.</translation>
    </message>
    <message>
        <source>The project directory is empty.</source>
        <translation>Le répertoire du projet est vide.</translation>
    </message>
    <message>
        <source>The project directory %1 does not exist in sandbox %2.</source>
        <translation>Le répertoire du projet %1 n&apos;existe pas dans la sandbox %2.</translation>
    </message>
</context>
<context>
    <name>vw::engine::StoreChangeRelay</name>
    <message>
        <source>The relay has no store or has been started already.</source>
        <translation>Le relais n&apos;a pas de stockage ou a déjà été démarré.</translation>
    </message>
</context>
<context>
    <name>vw::ui::AnalyticsView</name>
    <message>
        <source>Project</source>
        <translation>Projet</translation>
    </message>
    <message>
        <source>Show the figures of one project, or of all projects</source>
        <translation>Afficher les chiffres d&apos;un projet ou de tous les projets</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>Tous les projets</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Période</translation>
    </message>
    <message>
        <source>The builds created in this period</source>
        <translation>Les builds créés pendant cette période</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>90 derniers jours</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>Dernière année</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Depuis le début</translation>
    </message>
    <message>
        <source>Analytics status</source>
        <translation>État des statistiques</translation>
    </message>
    <message>
        <source>Project:</source>
        <translation>Projet :</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Période :</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>Taux de réussite</translation>
    </message>
    <message>
        <source>Median duration</source>
        <translation>Durée médiane</translation>
    </message>
    <message>
        <source>Queue time</source>
        <translation>Temps d&apos;attente</translation>
    </message>
    <message>
        <source>Queue time (median)</source>
        <translation>Temps d&apos;attente (médiane)</translation>
    </message>
    <message>
        <source>Duration of successful builds</source>
        <translation>Durée des builds réussis</translation>
    </message>
    <message>
        <source>Median per period</source>
        <translation>Médiane par période</translation>
    </message>
    <message>
        <source>Slowest builds</source>
        <translation>Builds les plus lents</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>Médiane</translation>
    </message>
    <message>
        <source>Duration over time</source>
        <translation>Durée dans le temps</translation>
    </message>
    <message>
        <source>Succeeded of succeeded and failed</source>
        <translation>Réussis parmi les réussis et échoués</translation>
    </message>
    <message>
        <source>Success rate over time</source>
        <translation>Taux de réussite dans le temps</translation>
    </message>
    <message>
        <source>Time per phase (successful builds)</source>
        <translation>Temps par phase (builds réussis)</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Préparation</translation>
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
        <translation>Finalisation</translation>
    </message>
    <message>
        <source>Time per phase</source>
        <translation>Temps par phase</translation>
    </message>
    <message>
        <source>Most common errors</source>
        <translation>Erreurs les plus fréquentes</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Dernière occurrence</translation>
    </message>
    <message>
        <source>Double-click or press Enter to open a build</source>
        <translation>Double-cliquez ou appuyez sur Entrée pour ouvrir un build</translation>
    </message>
    <message>
        <source>Most common errors (similar lines grouped)</source>
        <translation>Erreurs les plus fréquentes (lignes similaires regroupées)</translation>
    </message>
    <message>
        <source>Updating…</source>
        <translation>Mise à jour…</translation>
    </message>
    <message>
        <source>Cannot read the analytics: %1</source>
        <translation>Impossible de lire les statistiques : %1</translation>
    </message>
    <message>
        <source>%1 succeeded · %2 failed · %3 other</source>
        <translation>réussis : %1 · échoués : %2 · autres : %3</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>of %n finished build(s)</source>
        <translation>
            <numerusform>sur %n build terminé</numerusform>
            <numerusform>sur %n builds terminés</numerusform>
        </translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>no finished builds</source>
        <translation>aucun build terminé</translation>
    </message>
    <message>
        <source>slowest %1</source>
        <translation>le plus lent : %1</translation>
    </message>
    <message>
        <source>no successful builds</source>
        <translation>aucun build réussi</translation>
    </message>
    <message>
        <source>p90 %1 · max %2</source>
        <translation>p90 %1 · max %2</translation>
    </message>
    <message>
        <source>no started builds</source>
        <translation>aucun build démarré</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minutes</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>secondes</translation>
    </message>
    <message>
        <source>Slowest per period</source>
        <translation>Le plus lent par période</translation>
    </message>
    <message>
        <source>Median %1</source>
        <translation>Médiane %1</translation>
    </message>
    <message>
        <source>For example: %1</source>
        <translation>Par exemple : %1</translation>
    </message>
    <message>
        <source>No failed builds with an error line</source>
        <translation>Aucun build échoué avec une ligne d&apos;erreur</translation>
    </message>
    <message>
        <source>Build #%1</source>
        <translation>Build n° %1</translation>
    </message>
    <message>
        <source>Open build #%1</source>
        <translation>Ouvrir le build n° %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n older build(s)</source>
        <translation>
            <numerusform>… et %n build plus ancien</numerusform>
            <numerusform>… et %n builds plus anciens</numerusform>
        </translation>
    </message>
    <message>
        <source>Click a point to open its build (for a period: to list its builds)</source>
        <translation>Cliquez sur un point pour ouvrir son build (pour une période : pour lister ses builds)</translation>
    </message>
    <message>
        <source>Builds with the selected error or of the clicked period</source>
        <translation>Builds avec l&apos;erreur sélectionnée ou de la période cliquée</translation>
    </message>
    <message>
        <source>Build #%1 · %2</source>
        <translation>Build n° %1 · %2</translation>
    </message>
    <message numerus="yes">
        <source>… and %n faster build(s)</source>
        <translation>
            <numerusform>… et %n build plus rapide</numerusform>
            <numerusform>… et %n builds plus rapides</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vw::ui::AppController</name>
    <message>
        <source>Settings applied: connected again with the new settings.</source>
        <translation>Paramètres appliqués : reconnecté avec les nouveaux paramètres.</translation>
    </message>
    <message>
        <source>Settings applied.</source>
        <translation>Paramètres appliqués.</translation>
    </message>
</context>
<context>
    <name>vw::ui::ArtifactsView</name>
    <message>
        <source>Select a build to see its artifacts.</source>
        <translation>Sélectionnez un build pour voir ses artefacts.</translation>
    </message>
    <message>
        <source>The build store is closed.</source>
        <translation>Le stockage des builds est fermé.</translation>
    </message>
    <message>
        <source>Build %1 cannot be read: %2</source>
        <translation>Impossible de lire le build %1 : %2</translation>
    </message>
    <message>
        <source>The artifacts are listed once this build has succeeded.</source>
        <translation>Les artefacts seront listés une fois ce build réussi.</translation>
    </message>
    <message>
        <source>This build did not succeed, so it has no artifacts.</source>
        <translation>Ce build n&apos;a pas réussi, il n&apos;a donc aucun artefact.</translation>
    </message>
    <message>
        <source>The artifacts cannot be read: %1</source>
        <translation>Impossible de lire les artefacts : %1</translation>
    </message>
    <message>
        <source>The artifacts of this build have not been listed yet.</source>
        <translation>Les artefacts de ce build n&apos;ont pas encore été listés.</translation>
    </message>
    <message>
        <source>Listing the output directory in the sandbox…</source>
        <translation>Listage du répertoire de sortie dans la sandbox…</translation>
    </message>
    <message>
        <source>The output directory could not be listed: %1</source>
        <translation>Impossible de lister le répertoire de sortie : %1</translation>
    </message>
    <message>
        <source>Output directory: %1</source>
        <translation>Répertoire de sortie : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s), %1 in total</source>
        <translation>
            <numerusform>%n fichier, %1 au total</numerusform>
            <numerusform>%n fichiers, %1 au total</numerusform>
        </translation>
    </message>
    <message>
        <source>No output directory was found for this build. Set one in the project&apos;s settings if the build puts its output somewhere unusual.</source>
        <translation>Aucun répertoire de sortie n&apos;a été trouvé pour ce build. Définissez-en un dans les paramètres du projet si le build place sa sortie à un emplacement inhabituel.</translation>
    </message>
    <message>
        <source>The output directory %1 is empty.</source>
        <translation>Le répertoire de sortie %1 est vide.</translation>
    </message>
    <message>
        <source>the listing was cut short: the output directory holds too many files.</source>
        <translation>la liste est incomplète : le répertoire de sortie contient trop de fichiers.</translation>
    </message>
    <message>
        <source>the listing was cut short: some folders are nested too deeply.</source>
        <translation>la liste est incomplète : certains dossiers sont trop profondément imbriqués.</translation>
    </message>
    <message>
        <source>some folders of the output directory could not be listed.</source>
        <translation>certains dossiers du répertoire de sortie n&apos;ont pas pu être listés.</translation>
    </message>
    <message>
        <source>This build has no artifacts.</source>
        <translation>Ce build n&apos;a aucun artefact.</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n octet</numerusform>
            <numerusform>%n octets</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected to the sandbox.</source>
        <translation>Non connecté à la sandbox.</translation>
    </message>
    <message>
        <source>Download Artifacts To</source>
        <translation>Télécharger les artefacts vers</translation>
    </message>
    <message>
        <source>Starting the download…</source>
        <translation>Démarrage du téléchargement…</translation>
    </message>
    <message>
        <source>The download could not start.</source>
        <translation>Le téléchargement n&apos;a pas pu démarrer.</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>Téléchargement de %1…</translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n file(s) to %1.</source>
        <translation>
            <numerusform>%n fichier téléchargé dans %1.</numerusform>
            <numerusform>%n fichiers téléchargés dans %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <source>Download Selected…</source>
        <translation>Télécharger la sélection…</translation>
    </message>
    <message>
        <source>Download All…</source>
        <translation>Tout télécharger…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>List Again</source>
        <translation>Lister à nouveau</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildHistoryModel</name>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Project %1</source>
        <translation>Projet %1</translation>
    </message>
    <message>
        <source>%1 — build #%2</source>
        <translation>%1 — build n° %2</translation>
    </message>
    <message>
        <source>Not started yet (queued %1)</source>
        <translation>Pas encore démarré (en attente depuis %1)</translation>
    </message>
    <message>
        <source>No duration was recorded.</source>
        <translation>Aucune durée n&apos;a été enregistrée.</translation>
    </message>
    <message>
        <source>Not finished yet.</source>
        <translation>Pas encore terminé.</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projet</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Déclencheur</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>The project the build belongs to</source>
        <translation>Le projet auquel appartient le build</translation>
    </message>
    <message>
        <source>How the build ended, or where it stands</source>
        <translation>Comment le build s&apos;est terminé, ou où il en est</translation>
    </message>
    <message>
        <source>Who started the build: manual, cli, agent, rebuild, …</source>
        <translation>Qui a démarré le build : manual, cli, agent, rebuild, …</translation>
    </message>
    <message>
        <source>When the build started, in local time</source>
        <translation>Quand le build a démarré, en heure locale</translation>
    </message>
    <message>
        <source>How long the build took</source>
        <translation>Combien de temps le build a duré</translation>
    </message>
    <message>
        <source>The first meaningful error line of a failed build</source>
        <translation>La première ligne d&apos;erreur significative d&apos;un build échoué</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildIndicator</name>
    <message>
        <source>Build progress</source>
        <translation>Progression du build</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Aucun build pour l&apos;instant</translation>
    </message>
    <message>
        <source>Running · %1 %2 %</source>
        <translation>En cours · %1 %2 %</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>started %1</source>
        <translation>démarré le %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>durée : %1</translation>
    </message>
    <message>
        <source>running for %1</source>
        <translation>en cours depuis %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::BuildStatus</name>
    <message>
        <source>Install log</source>
        <translation>Journal d&apos;installation</translation>
    </message>
    <message>
        <source>Build log</source>
        <translation>Journal de build</translation>
    </message>
    <message>
        <source>Live output</source>
        <translation>Sortie en direct</translation>
    </message>
    <message>
        <source>No build selected</source>
        <translation>Aucun build sélectionné</translation>
    </message>
    <message>
        <source>Build status</source>
        <translation>Statut du build</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>The phase the build is in</source>
        <translation>La phase dans laquelle se trouve le build</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>How long the build has been running</source>
        <translation>Depuis combien de temps le build est en cours</translation>
    </message>
    <message>
        <source>Estimated time remaining</source>
        <translation>Temps restant estimé</translation>
    </message>
    <message>
        <source>Estimated from this project&apos;s earlier builds</source>
        <translation>Estimé à partir des builds précédents de ce projet</translation>
    </message>
    <message>
        <source>Current step</source>
        <translation>Étape en cours</translation>
    </message>
    <message>
        <source>%p %</source>
        <translation>%p %</translation>
    </message>
    <message>
        <source>Build progress</source>
        <translation>Progression du build</translation>
    </message>
    <message>
        <source>Progress of the build</source>
        <translation>Progression du build</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Jump to First Error</source>
        <translation>Aller à la première erreur</translation>
    </message>
    <message>
        <source>Show the first error line in its log (F8)</source>
        <translation>Afficher la première ligne d&apos;erreur dans son journal (F8)</translation>
    </message>
    <message>
        <source>Jump to first error</source>
        <translation>Aller à la première erreur</translation>
    </message>
    <message>
        <source>Phase timeline</source>
        <translation>Chronologie des phases</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Build events</source>
        <translation>Événements du build</translation>
    </message>
    <message>
        <source>What happened during the build, oldest first</source>
        <translation>Ce qui s&apos;est passé pendant le build, du plus ancien au plus récent</translation>
    </message>
    <message>
        <source>Looking for the latest build…</source>
        <translation>Recherche du dernier build…</translation>
    </message>
    <message>
        <source>Could not read the builds: %1</source>
        <translation>Impossible de lire les builds : %1</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Aucun build pour l&apos;instant</translation>
    </message>
    <message>
        <source>Loading build %1…</source>
        <translation>Chargement du build %1…</translation>
    </message>
    <message>
        <source>Build %1 not found</source>
        <translation>Build %1 introuvable</translation>
    </message>
    <message>
        <source>Could not load build %1: %2</source>
        <translation>Impossible de charger le build %1 : %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Where the build ended</source>
        <translation>Où le build s&apos;est arrêté</translation>
    </message>
    <message>
        <source>%1 % done</source>
        <translation>Terminé à %1 %</translation>
    </message>
    <message>
        <source>The first meaningful error line of the build</source>
        <translation>La première ligne d&apos;erreur significative du build</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Duration: %1</source>
        <translation>Durée : %1</translation>
    </message>
    <message>
        <source>error on line %1</source>
        <translation>erreur à la ligne %1</translation>
    </message>
    <message>
        <source>almost done</source>
        <translation>presque terminé</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>environ %1 restant</translation>
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
        <translation>développé</translation>
    </message>
    <message>
        <source>collapsed</source>
        <translation>réduit</translation>
    </message>
    <message>
        <source>Show or hide: %1</source>
        <translation>Afficher ou masquer : %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::DesktopNotifier</name>
    <message>
        <source>No D-Bus session bus: %1</source>
        <translation>Aucun bus de session D-Bus : %1</translation>
    </message>
    <message>
        <source>Open build</source>
        <translation>Ouvrir le build</translation>
    </message>
</context>
<context>
    <name>vw::ui::HistoryView</name>
    <message>
        <source>Build history</source>
        <translation>Historique des builds</translation>
    </message>
    <message>
        <source>Project filter</source>
        <translation>Filtre de projet</translation>
    </message>
    <message>
        <source>Show the builds of one project only</source>
        <translation>Afficher uniquement les builds d&apos;un projet</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>Tous les projets</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Filtre de statut</translation>
    </message>
    <message>
        <source>Show the builds with one status only</source>
        <translation>Afficher uniquement les builds ayant un statut donné</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tout statut</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>Limit the start date</source>
        <translation>Limiter la date de début</translation>
    </message>
    <message>
        <source>Only builds created on or after this day</source>
        <translation>Uniquement les builds créés ce jour-là ou après</translation>
    </message>
    <message>
        <source>Created from</source>
        <translation>Créés à partir du</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Au</translation>
    </message>
    <message>
        <source>Limit the end date</source>
        <translation>Limiter la date de fin</translation>
    </message>
    <message>
        <source>Only builds created on or before this day</source>
        <translation>Uniquement les builds créés ce jour-là ou avant</translation>
    </message>
    <message>
        <source>Created to</source>
        <translation>Créés jusqu&apos;au</translation>
    </message>
    <message>
        <source>Search builds</source>
        <translation>Rechercher des builds</translation>
    </message>
    <message>
        <source>Show builds whose error, step, trigger, stack or session contains this text</source>
        <translation>Afficher les builds dont l&apos;erreur, l&apos;étape, le déclencheur, la pile ou la session contient ce texte</translation>
    </message>
    <message>
        <source>Search errors, steps, triggers…</source>
        <translation>Rechercher dans les erreurs, étapes, déclencheurs…</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Number of builds</source>
        <translation>Nombre de builds</translation>
    </message>
    <message>
        <source>Loading builds…</source>
        <translation>Chargement des builds…</translation>
    </message>
    <message>
        <source>%1 in sandbox %2</source>
        <translation>%1 dans la sandbox %2</translation>
    </message>
    <message>
        <source>Cannot read the builds: %1</source>
        <translation>Impossible de lire les builds : %1</translation>
    </message>
    <message>
        <source>1 build</source>
        <translation>1 build</translation>
    </message>
    <message numerus="yes">
        <source>%Ln builds</source>
        <translation>
            <numerusform>%Ln build</numerusform>
            <numerusform>%Ln builds</numerusform>
        </translation>
    </message>
    <message>
        <source>No builds match these filters</source>
        <translation>Aucun build ne correspond à ces filtres</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Aucun build pour l&apos;instant</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogSaver</name>
    <message>
        <source>Saving was cancelled.</source>
        <translation>L&apos;enregistrement a été annulé.</translation>
    </message>
    <message>
        <source>Could not save the log to %1: %2</source>
        <translation>Impossible d&apos;enregistrer le journal dans %1 : %2</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogSearchBar</name>
    <message>
        <source>Find in log</source>
        <translation>Rechercher dans le journal</translation>
    </message>
    <message>
        <source>Search text</source>
        <translation>Texte à rechercher</translation>
    </message>
    <message>
        <source>Text to find (Enter: next match, Shift+Enter: previous, Esc: close)</source>
        <translation>Texte à rechercher (Entrée : occurrence suivante, Maj+Entrée : précédente, Échap : fermer)</translation>
    </message>
    <message>
        <source>Aa</source>
        <translation>Aa</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>Respecter la casse</translation>
    </message>
    <message>
        <source>.*</source>
        <translation>.*</translation>
    </message>
    <message>
        <source>Use a regular expression</source>
        <translation>Utiliser une expression régulière</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Expression régulière</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Occurrence précédente (Maj+Entrée)</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Occurrence précédente</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Occurrence suivante (Entrée)</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Occurrence suivante</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Occurrences</translation>
    </message>
    <message>
        <source>9999 of 99999+</source>
        <translation>9999 sur 99999+</translation>
    </message>
    <message>
        <source>Close the find bar (Esc)</source>
        <translation>Fermer la barre de recherche (Échap)</translation>
    </message>
    <message>
        <source>Close find bar</source>
        <translation>Fermer la barre de recherche</translation>
    </message>
    <message>
        <source>Invalid pattern</source>
        <translation>Motif non valide</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Aucune correspondance</translation>
    </message>
    <message>
        <source>%1+</source>
        <translation>%1+</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Matches: %1</source>
        <translation>Correspondances : %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::LogView</name>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>&amp;Tout sélectionner</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Rechercher…</translation>
    </message>
    <message>
        <source>Find &amp;Next</source>
        <translation>Occurrence suiva&amp;nte</translation>
    </message>
    <message>
        <source>Find &amp;Previous</source>
        <translation>Occurrence &amp;précédente</translation>
    </message>
    <message>
        <source>&amp;Wrap Lines</source>
        <translation>Retour à la &amp;ligne</translation>
    </message>
    <message>
        <source>Show &amp;Timestamps</source>
        <translation>Afficher l&apos;&amp;horodatage</translation>
    </message>
    <message>
        <source>&amp;Follow Output</source>
        <translation>&amp;Suivre la sortie</translation>
    </message>
    <message>
        <source>Keep the newest output in view</source>
        <translation>Garder la sortie la plus récente visible</translation>
    </message>
    <message>
        <source>&amp;Save Log As…</source>
        <translation>&amp;Enregistrer le journal sous…</translation>
    </message>
    <message>
        <source>Could not save the log to %1: %2</source>
        <translation>Impossible d&apos;enregistrer le journal dans %1 : %2</translation>
    </message>
    <message>
        <source>Save Log</source>
        <translation>Enregistrer le journal</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>Fichiers journaux (*.log *.txt);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>vw::ui::PhaseTimeline</name>
    <message>
        <source>Phase timeline</source>
        <translation>Chronologie des phases</translation>
    </message>
    <message>
        <source>%1 · skipped</source>
        <translation>%1 · ignorée</translation>
    </message>
    <message>
        <source>%1: skipped (%2)</source>
        <translation>%1 : ignorée (%2)</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>aucune raison indiquée</translation>
    </message>
    <message>
        <source>%1: not started</source>
        <translation>%1 : non démarrée</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1 : terminée</translation>
    </message>
    <message>
        <source>%1: started %2, running for %3</source>
        <translation>%1 : démarrée à %2, en cours depuis %3</translation>
    </message>
    <message>
        <source>%1: %2 – %3 (%4)</source>
        <translation>%1 : %2 – %3 (%4)</translation>
    </message>
    <message>
        <source>, exit code %1</source>
        <translation>, code de sortie %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::PreviewPane</name>
    <message>
        <source>Preview URL</source>
        <translation>URL de l&apos;aperçu</translation>
    </message>
    <message>
        <source>The page shown. Type a path or URL and press Enter: pages of the dev server open here, anything else in your browser.</source>
        <translation>La page affichée. Saisissez un chemin ou une URL et appuyez sur Entrée : les pages du serveur de développement s&apos;ouvrent ici, tout le reste dans votre navigateur.</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Check the dev server again and reload the page (F5)</source>
        <translation>Revérifier le serveur de développement et recharger la page (F5)</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Ouvrir dans le navigateur</translation>
    </message>
    <message>
        <source>Open this page in your web browser.
The browser does not get the preview token this pane sends in a header, so Daytona asks it to sign in to a private sandbox. To share a page without signing in, use a signed preview URL (it expires) or make the sandbox public.</source>
        <translation>Ouvrir cette page dans votre navigateur web.
Le navigateur ne reçoit pas le jeton d&apos;aperçu que ce panneau envoie dans un en-tête : Daytona lui demande donc de se connecter pour une sandbox privée. Pour partager une page sans connexion, utilisez une URL d&apos;aperçu signée (elle expire) ou rendez la sandbox publique.</translation>
    </message>
    <message>
        <source>Check Again</source>
        <translation>Revérifier</translation>
    </message>
    <message>
        <source>Nothing to preview yet</source>
        <translation>Rien à prévisualiser pour l&apos;instant</translation>
    </message>
    <message>
        <source>Use Run dev server to start the project&apos;s dev server; its pages appear here.</source>
        <translation>Utilisez « Lancer le serveur de développement » pour lancer le serveur de développement du projet ; ses pages s&apos;affichent ici.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Looking for the dev server…</source>
        <translation>Recherche du serveur de développement…</translation>
    </message>
    <message>
        <source>In sandbox “%1”.</source>
        <translation>Dans la sandbox « %1 ».</translation>
    </message>
    <message>
        <source>No dev server is listening in this sandbox</source>
        <translation>Aucun serveur de développement n&apos;écoute dans cette sandbox</translation>
    </message>
    <message>
        <source>No dev server is running</source>
        <translation>Aucun serveur de développement en cours</translation>
    </message>
    <message>
        <source>Nothing listens on the usual dev server ports in sandbox “%1”.
Use Run dev server to start the project&apos;s dev server; its pages appear here once it listens.</source>
        <translation>Rien n&apos;écoute sur les ports habituels des serveurs de développement dans la sandbox « %1 ».
Utilisez « Lancer le serveur de développement » pour lancer le serveur de développement du projet ; ses pages s&apos;affichent ici dès qu&apos;il écoute.</translation>
    </message>
    <message>
        <source>The preview could not be found</source>
        <translation>L&apos;aperçu est introuvable</translation>
    </message>
    <message>
        <source>Checked %1</source>
        <translation>Vérifié : %1</translation>
    </message>
    <message>
        <source>The dev server does not answer</source>
        <translation>Le serveur de développement ne répond pas</translation>
    </message>
    <message>
        <source>Port %1 of sandbox “%2”: %3.
Is it still starting? Check again in a moment, or use Run dev server.</source>
        <translation>Port %1 de la sandbox « %2 » : %3.
Est-il encore en cours de démarrage ? Revérifiez dans un instant ou utilisez « Lancer le serveur de développement ».</translation>
    </message>
</context>
<context>
    <name>vw::ui::SettingsDialog</name>
    <message>
        <source>Vaporwatch Settings</source>
        <translation>Paramètres de Vaporwatch</translation>
    </message>
    <message>
        <source>Daytona</source>
        <translation>Daytona</translation>
    </message>
    <message>
        <source>Use a &amp;Daytona account (otherwise the local sandbox)</source>
        <translation>Utiliser un compte &amp;Daytona (sinon la sandbox locale)</translation>
    </message>
    <message>
        <source>Without an account, builds run in the embedded local sandbox on this machine.</source>
        <translation>Sans compte, les builds s&apos;exécutent dans la sandbox locale intégrée sur cette machine.</translation>
    </message>
    <message>
        <source>Daytona API URL</source>
        <translation>URL de l&apos;API Daytona</translation>
    </message>
    <message>
        <source>Daytona API key</source>
        <translation>Clé d&apos;API Daytona</translation>
    </message>
    <message>
        <source>Kept in the system keychain, never in a settings file.</source>
        <translation>Conservée dans le trousseau du système, jamais dans un fichier de paramètres.</translation>
    </message>
    <message>
        <source>&amp;Remove key</source>
        <translation>&amp;Supprimer la clé</translation>
    </message>
    <message>
        <source>Delete the stored API key from the keychain.</source>
        <translation>Supprimer du trousseau la clé d&apos;API enregistrée.</translation>
    </message>
    <message>
        <source>Target region</source>
        <translation>Région cible</translation>
    </message>
    <message>
        <source>the organisation&apos;s default (e.g. us, eu)</source>
        <translation>par défaut de l&apos;organisation (p. ex. us, eu)</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>List the sandboxes with this URL and key.</source>
        <translation>Lister les sandboxes avec cette URL et cette clé.</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Résultat du test de connexion</translation>
    </message>
    <message>
        <source>API &amp;URL:</source>
        <translation>&amp;URL de l&apos;API :</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>Clé d&apos;&amp;API :</translation>
    </message>
    <message>
        <source>Target &amp;region:</source>
        <translation>&amp;Région cible :</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>A SQLite file, or a postgres://user@host/database URL to share the history with a team. Vaporwatch switches to it when you press OK.</source>
        <translation>Un fichier SQLite, ou une URL postgres://user@host/database pour partager l&apos;historique avec une équipe. Vaporwatch bascule dessus lorsque vous appuyez sur OK.</translation>
    </message>
    <message>
        <source>Parallel builds</source>
        <translation>Builds parallèles</translation>
    </message>
    <message>
        <source>Builds in different sandboxes run at once up to this limit; the rest wait as queued.</source>
        <translation>Les builds de sandboxes différentes s&apos;exécutent simultanément jusqu&apos;à cette limite ; les autres restent en attente.</translation>
    </message>
    <message>
        <source>Data&amp;base:</source>
        <translation>&amp;Base de données :</translation>
    </message>
    <message>
        <source>&amp;Parallel builds:</source>
        <translation>Builds &amp;parallèles :</translation>
    </message>
    <message>
        <source>Agents and scripts</source>
        <translation>Agents et scripts</translation>
    </message>
    <message>
        <source>Serve the build &amp;HTTP API and cctray feed on 127.0.0.1</source>
        <translation>Servir l&apos;API &amp;HTTP des builds et le flux cctray sur 127.0.0.1</translation>
    </message>
    <message>
        <source>Serve the HTTP API</source>
        <translation>Servir l&apos;API HTTP</translation>
    </message>
    <message>
        <source>The original platform&apos;s /workspace/build endpoints, a live stream of each build and /cctray.xml for CCMenu and BuildNotify, with a bearer token kept in the keychain</source>
        <translation>Les points de terminaison /workspace/build de la plateforme d&apos;origine, un flux en direct de chaque build et /cctray.xml pour CCMenu et BuildNotify, avec un jeton Bearer conservé dans le trousseau</translation>
    </message>
    <message>
        <source>HTTP API port</source>
        <translation>Port de l&apos;API HTTP</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort :</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>Langue du système (%1)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>Takes effect when Vaporwatch starts again.</source>
        <translation>Prend effet au prochain démarrage de Vaporwatch.</translation>
    </message>
    <message>
        <source>Notify when a build</source>
        <translation>Notifier lorsqu&apos;un build</translation>
    </message>
    <message>
        <source>&amp;starts</source>
        <translation>dé&amp;marre</translation>
    </message>
    <message>
        <source>&amp;fails (broken)</source>
        <translation>échoue (&amp;cassé)</translation>
    </message>
    <message>
        <source>succeeds after a failure (fi&amp;xed)</source>
        <translation>réussit après u&amp;n échec (réparé)</translation>
    </message>
    <message>
        <source>fails again (still fai&amp;ling)</source>
        <translation>échoue à nou&amp;veau (toujours en échec)</translation>
    </message>
    <message>
        <source>succeeds a&amp;gain</source>
        <translation>réussit &amp;encore</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <source>Save these settings as a JSON file, without the API key or passwords, to use them on another machine</source>
        <translation>Enregistrer ces paramètres dans un fichier JSON, sans la clé d&apos;API ni les mots de passe, pour les utiliser sur une autre machine</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importer…</translation>
    </message>
    <message>
        <source>Fill the dialog from an exported settings file</source>
        <translation>Remplir la boîte de dialogue à partir d&apos;un fichier de paramètres exporté</translation>
    </message>
    <message>
        <source>Export Settings</source>
        <translation>Exporter les paramètres</translation>
    </message>
    <message>
        <source>Settings (*.json)</source>
        <translation>Paramètres (*.json)</translation>
    </message>
    <message>
        <source>Import Settings</source>
        <translation>Importer les paramètres</translation>
    </message>
    <message>
        <source>The settings were not exported to %1: %2</source>
        <translation>Les paramètres n&apos;ont pas été exportés vers %1 : %2</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1 is not a settings file: %2</source>
        <translation>%1 n&apos;est pas un fichier de paramètres : %2</translation>
    </message>
    <message>
        <source>Reading the keychain…</source>
        <translation>Lecture du trousseau…</translation>
    </message>
    <message>
        <source>%1
The API key cannot be stored here; set DAYTONA_API_KEY in the environment instead.</source>
        <translation>%1
La clé d&apos;API ne peut pas être enregistrée ici ; définissez plutôt DAYTONA_API_KEY dans l&apos;environnement.</translation>
    </message>
    <message>
        <source>An API key is stored in the keychain.</source>
        <translation>Une clé d&apos;API est enregistrée dans le trousseau.</translation>
    </message>
    <message>
        <source>No API key is stored yet.</source>
        <translation>Aucune clé d&apos;API n&apos;est encore enregistrée.</translation>
    </message>
    <message>
        <source>stored in the keychain — type to replace</source>
        <translation>enregistrée dans le trousseau — saisissez pour la remplacer</translation>
    </message>
    <message>
        <source>dtn_…</source>
        <translation>dtn_…</translation>
    </message>
    <message>
        <source>Enter an API key first.</source>
        <translation>Saisissez d&apos;abord une clé d&apos;API.</translation>
    </message>
    <message>
        <source>The API URL is not valid.</source>
        <translation>L&apos;URL de l&apos;API n&apos;est pas valide.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>, …</source>
        <translation>, …</translation>
    </message>
    <message numerus="yes">
        <source>Connected; sandboxes found: %n</source>
        <translation>
            <numerusform>Connecté ; %n sandbox trouvée</numerusform>
            <numerusform>Connecté ; %n sandboxes trouvées</numerusform>
        </translation>
    </message>
    <message>
        <source>The API key was removed from the keychain.</source>
        <translation>La clé d&apos;API a été supprimée du trousseau.</translation>
    </message>
    <message>
        <source>The API URL must be an http(s) URL, e.g. %1.</source>
        <translation>L&apos;URL de l&apos;API doit être une URL http(s), p. ex. %1.</translation>
    </message>
    <message>
        <source>A Daytona account needs an API key, and no keychain is available to keep it: set DAYTONA_API_KEY in the environment, or use the local sandbox.</source>
        <translation>Un compte Daytona nécessite une clé d&apos;API, et aucun trousseau n&apos;est disponible pour la conserver : définissez DAYTONA_API_KEY dans l&apos;environnement ou utilisez la sandbox locale.</translation>
    </message>
    <message>
        <source>Enter the Daytona API key (or use the local sandbox).</source>
        <translation>Saisissez la clé d&apos;API Daytona (ou utilisez la sandbox locale).</translation>
    </message>
    <message>
        <source>Leave the database password out of the URL (it would be stored in the settings file): PostgreSQL reads it from ~/.pgpass or PGPASSWORD.</source>
        <translation>N&apos;incluez pas le mot de passe de la base de données dans l&apos;URL (il serait enregistré dans le fichier de paramètres) : PostgreSQL le lit dans ~/.pgpass ou PGPASSWORD.</translation>
    </message>
    <message>
        <source>The API key was not saved: %1</source>
        <translation>La clé d&apos;API n&apos;a pas été enregistrée : %1</translation>
    </message>
</context>
<context>
    <name>vw::ui::TrayController</name>
    <message>
        <source>Recent builds</source>
        <translation>Builds récents</translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation>Aucun build pour l&apos;instant</translation>
    </message>
    <message>
        <source>Start build</source>
        <translation>Démarrer un build</translation>
    </message>
    <message>
        <source>Open Vaporwatch</source>
        <translation>Ouvrir Vaporwatch</translation>
    </message>
    <message>
        <source>Pause notifications</source>
        <translation>Suspendre les notifications</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Start build of %1</source>
        <translation>Démarrer le build de %1</translation>
    </message>
    <message>
        <source>Project %1</source>
        <translation>Projet %1</translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n échoué</numerusform>
            <numerusform>%n échoués</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n building</source>
        <translation>
            <numerusform>%n en cours</numerusform>
            <numerusform>%n en cours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n succeeded</source>
        <translation>
            <numerusform>%n réussi</numerusform>
            <numerusform>%n réussis</numerusform>
        </translation>
    </message>
    <message>
        <source>Vaporwatch — no builds yet</source>
        <translation>Vaporwatch — aucun build pour l&apos;instant</translation>
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
        <translation>Le build #%1 est en cours.</translation>
    </message>
    <message>
        <source>Build #%1 is running (started by %2).</source>
        <translation>Le build #%1 est en cours (lancé par %2).</translation>
    </message>
    <message>
        <source>Build #%1 succeeded.</source>
        <translation>Le build #%1 a réussi.</translation>
    </message>
    <message>
        <source>Build #%1 succeeded in %2.</source>
        <translation>Le build #%1 a réussi en %2.</translation>
    </message>
    <message>
        <source>Build #%1: %2</source>
        <translation>Build #%1 : %2</translation>
    </message>
    <message>
        <source>Build #%1 failed.</source>
        <translation>Le build #%1 a échoué.</translation>
    </message>
    <message>
        <source>Build #%1 failed after %2.</source>
        <translation>Le build #%1 a échoué après %2.</translation>
    </message>
</context>
</TS>
