#pragma once

#include "models/ArtifactListing.h"
#include "models/Build.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace vw {
class BuildStore;
namespace daytona {
class DaytonaClient;
}
namespace engine {
class ArtifactDownloader;
class ArtifactScanner;
class BuildHub;
} // namespace engine
} // namespace vw

namespace vw::ui {

// The artifacts of one build: its output directory in the sandbox, the files in it as a tree
// (folders with the size of what they hold, sizes right-aligned), the total, and downloads —
// "Download Selected…" (the files chosen, or everything in a chosen folder) and "Download All…"
// into a folder the user picks, keeping the paths, with a progress bar and Cancel.
//
// The listing comes from the store (BuildStore::artifacts) and is read again when the hub says
// it was stored (BuildHub::artifactsListed). A successful build that has no listing yet (one a
// CLI process built and left) is listed here, through an ArtifactScanner of the view's own,
// unless the hub says it is being listed already (by the BuildManager that just finished it). A
// build that did not (yet) succeed, or has no output directory, gets a sentence instead.
class ArtifactsView : public QWidget
{
    Q_OBJECT

public:
    // Returns the folder chosen, or an empty string when the user gave up.
    using FolderChooser = std::function<QString(QWidget *parent, const QString &title)>;

    // `client` may be null (and set later): the listing is then only read, nothing downloaded.
    ArtifactsView(BuildStore *store, engine::BuildHub *hub, daytona::DaytonaClient *client,
                  QWidget *parent = nullptr);
    ~ArtifactsView() override;

    void setBuild(qint64 buildId);
    qint64 buildId() const { return m_buildId; }
    // A new connection to the sandboxes (the old client is no longer used).
    void setClient(daytona::DaytonaClient *client);
    // Instead of QFileDialog::getExistingDirectory (tests, or a remembered folder).
    void setFolderChooser(FolderChooser chooser) { m_chooseFolder = std::move(chooser); }

    // What is shown, for tests and the main window.
    std::optional<ArtifactListing> listing() const { return m_listing; }
    QTreeWidget *treeWidget() const { return m_tree; }
    QLabel *messageLabel() const { return m_message; }
    QLabel *outputLabel() const { return m_outputLabel; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *downloadStatusLabel() const { return m_downloadStatus; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *downloadSelectedButton() const { return m_downloadSelected; }
    QPushButton *downloadAllButton() const { return m_downloadAll; }
    QPushButton *cancelButton() const { return m_cancel; }
    // Shown when listing the build failed (e.g. its sandbox was stopped): lists it again.
    QPushButton *listAgainButton() const { return m_listAgain; }
    engine::ArtifactDownloader *downloader() const { return m_downloader; }
    // The relative paths of the files the selection stands for (a folder: all files below it).
    QStringList selectedPaths() const;

    QSize sizeHint() const override;

signals:
    // The listing shown changed (read, or re-read after the hub announced a new one).
    void listingShown(qint64 buildId);
    void downloadFinished(bool ok, const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    void reload();
    void showBuild(const Build &build);
    void showListing(const ArtifactListing &listing);
    void showListingFailed(const QString &message);
    void showMessage(const QString &text);
    void listNow();
    void fillTree();
    void updateButtons();
    void download(const QStringList &paths);
    void onProgress(qint64 done, qint64 total, const QString &path);
    void onDownloadFinished(bool ok, const QString &message);
    void retranslate();
    QString reasonText(const ArtifactListing &listing) const;

    QPointer<BuildStore> m_store;
    QPointer<engine::BuildHub> m_hub;
    QPointer<daytona::DaytonaClient> m_client;
    engine::ArtifactScanner *m_scanner = nullptr;
    engine::ArtifactDownloader *m_downloader = nullptr;
    FolderChooser m_chooseFolder;

    qint64 m_buildId = 0;
    quint64 m_generation = 0; // answers for an earlier setBuild() are dropped
    std::optional<Build> m_build;
    std::optional<ArtifactListing> m_listing;
    bool m_listingRequested = false; // this view asked the scanner for the current build
    QString m_lastFolder;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_outputLabel = nullptr;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_downloadSelected = nullptr;
    QPushButton *m_downloadAll = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_downloadStatus = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_listAgain = nullptr;
    bool m_listingFailed = false;
};

} // namespace vw::ui
