#include "ui/ArtifactsView.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactDownloader.h"
#include "app/engine/ArtifactScanner.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vw::ui {

namespace {

constexpr int kPathRole = Qt::UserRole;
constexpr int kIsFolderRole = Qt::UserRole + 1;
constexpr int kProgressSteps = 1000;

enum Column { NameColumn, SizeColumn, ModifiedColumn, ColumnCount };

QString humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

ArtifactsView::ArtifactsView(BuildStore *store, engine::BuildHub *hub,
                             daytona::DaytonaClient *client, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_hub(hub)
    , m_client(client)
{
    m_scanner = new engine::ArtifactScanner(client, store, hub, this);
    m_chooseFolder = [this](QWidget *dialogParent, const QString &title) {
        return QFileDialog::getExistingDirectory(dialogParent, title, m_lastFolder);
    };

    m_pages = new QStackedWidget(this);
    m_message = new QLabel(m_pages);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pages->addWidget(m_message);

    auto *listPage = new QWidget(m_pages);
    m_outputLabel = new QLabel(listPage);
    m_outputLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outputLabel->setWordWrap(true);
    m_tree = new QTreeWidget(listPage);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(ModifiedColumn, QHeaderView::ResizeToContents);
    m_tree->headerItem()->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
    m_summary = new QLabel(listPage);
    m_summary->setWordWrap(true);
    auto *listLayout = new QVBoxLayout(listPage);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_outputLabel);
    listLayout->addWidget(m_tree, 1);
    listLayout->addWidget(m_summary);
    m_pages->addWidget(listPage);

    m_downloadSelected = new QPushButton(this);
    m_downloadAll = new QPushButton(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, kProgressSteps);
    m_downloadStatus = new QLabel(this);
    m_downloadStatus->setWordWrap(true);
    m_downloadStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel = new QPushButton(this);
    m_listAgain = new QPushButton(this);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_listAgain);
    buttons->addWidget(m_downloadSelected);
    buttons->addWidget(m_downloadAll);
    buttons->addStretch(1);
    auto *transfer = new QHBoxLayout;
    transfer->addWidget(m_progress, 1);
    transfer->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addLayout(buttons);
    layout->addLayout(transfer);
    layout->addWidget(m_downloadStatus);

    m_progress->hide();
    m_cancel->hide();
    m_downloadStatus->hide();

    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &ArtifactsView::updateButtons);
    connect(m_downloadSelected, &QPushButton::clicked, this, [this] { download(selectedPaths()); });
    connect(m_downloadAll, &QPushButton::clicked, this, [this] { download({}); });
    connect(m_listAgain, &QPushButton::clicked, this, &ArtifactsView::listNow);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_downloader)
            m_downloader->cancel();
    });

    if (hub) {
        connect(hub, &engine::BuildHub::artifactsListed, this, [this](qint64 id) {
            if (id == m_buildId)
                reload();
        });
        connect(hub, &engine::BuildHub::artifactsListingFailed, this,
                [this](qint64 id, const QString &message) {
                    if (id != m_buildId || m_listing)
                        return;
                    m_listingRequested = false;
                    showListingFailed(message);
                });
        connect(hub, &engine::BuildHub::buildChanged, this, [this](const Build &build) {
            // Only a change of state matters here (not every progress step).
            if (build.id == m_buildId && (!m_build || m_build->status != build.status))
                reload();
        });
        connect(hub, &engine::BuildHub::buildFinished, this, [this](const Build &build) {
            if (build.id == m_buildId)
                reload();
        });
    }
    retranslate();
    showMessage(tr("Select a build to see its artifacts."));
}

ArtifactsView::~ArtifactsView() = default;

QSize ArtifactsView::sizeHint() const
{
    return QSize(640, 420);
}

void ArtifactsView::setClient(daytona::DaytonaClient *client)
{
    m_client = client;
    delete m_scanner;
    m_scanner = new engine::ArtifactScanner(client, m_store, m_hub, this);
    m_listingRequested = false;
    updateButtons();
    if (m_buildId > 0 && m_build && m_build->status == BuildStatus::Success && !m_listing)
        reload();
}

void ArtifactsView::setBuild(qint64 buildId)
{
    if (buildId == m_buildId)
        return;
    m_buildId = buildId;
    m_build.reset();
    m_listing.reset();
    m_listingRequested = false;
    m_tree->clear();
    reload();
}

void ArtifactsView::reload()
{
    const quint64 generation = ++m_generation;
    if (m_buildId <= 0) {
        showMessage(tr("Select a build to see its artifacts."));
        return;
    }
    if (!m_store) {
        showMessage(tr("The build store is closed."));
        return;
    }
    m_store->build(m_buildId)->onResult(this, [this, generation](const Result<Build> &build) {
        if (generation != m_generation)
            return;
        if (!build) {
            showMessage(
                tr("Build %1 cannot be read: %2").arg(m_buildId).arg(build.error().message));
            return;
        }
        showBuild(build.value());
    });
}

void ArtifactsView::showBuild(const Build &build)
{
    m_build = build;
    switch (build.status) {
    case vw::BuildStatus::Queued:
    case vw::BuildStatus::Running:
        m_listing.reset();
        showMessage(tr("The artifacts are listed once this build has succeeded."));
        return;
    case vw::BuildStatus::Failed:
    case vw::BuildStatus::Cancelled:
    case vw::BuildStatus::Interrupted:
        m_listing.reset();
        showMessage(tr("This build did not succeed, so it has no artifacts."));
        return;
    case vw::BuildStatus::Success:
        break;
    }
    const quint64 generation = m_generation;
    m_store->artifacts(build.id)->onResult(
        this, [this, generation](const Result<std::optional<ArtifactListing>> &listing) {
            if (generation != m_generation)
                return;
            if (!listing) {
                showMessage(tr("The artifacts cannot be read: %1").arg(listing.error().message));
                return;
            }
            if (listing.value()) {
                showListing(*listing.value());
                return;
            }
            listNow();
        });
}

void ArtifactsView::listNow()
{
    // Already being listed, by this view or by the engine (the BuildManager lists every build it
    // finishes): the hub brings the result.
    const bool underWay = m_listingRequested || (m_hub && m_hub->isListingArtifacts(m_buildId));
    if (!underWay && !m_client) {
        showMessage(tr("The artifacts of this build have not been listed yet."));
        return;
    }
    showMessage(tr("Listing the output directory in the sandbox…"));
    if (underWay)
        return;
    m_listingRequested = true;
    const qint64 id = m_buildId;
    m_scanner->scan(id)->onResult(this, [this, id](const Result<ArtifactListing> &listing) {
        if (id != m_buildId)
            return;
        if (!listing) {
            m_listingRequested = false;
            showListingFailed(listing.error().message);
            return;
        }
        // With a hub the stored listing comes back through BuildHub::artifactsListed.
        if (!m_hub)
            showListing(listing.value());
    });
}

void ArtifactsView::showListingFailed(const QString &message)
{
    showMessage(tr("The output directory could not be listed: %1").arg(message));
    m_listingFailed = true;
    updateButtons();
}

void ArtifactsView::showListing(const ArtifactListing &listing)
{
    m_listing = listing;
    if (listing.files.isEmpty()) {
        showMessage(reasonText(listing));
        emit listingShown(m_buildId);
        return;
    }
    m_outputLabel->setText(tr("Output directory: %1").arg(listing.outputDirectory));
    fillTree();
    QString summary = tr("%n file(s), %1 in total", nullptr, int(listing.files.size()))
                          .arg(humanSize(listing.totalBytes()));
    if (listing.truncated)
        summary += QStringLiteral(" — ") + reasonText(listing);
    m_summary->setText(summary);
    m_pages->setCurrentIndex(1);
    updateButtons();
    emit listingShown(m_buildId);
}

void ArtifactsView::showMessage(const QString &text)
{
    m_message->setText(text);
    m_pages->setCurrentIndex(0);
    m_listingFailed = false;
    updateButtons();
}

QString ArtifactsView::reasonText(const ArtifactListing &listing) const
{
    if (listing.reason == ArtifactListing::kNoOutputDirectory)
        return tr("No output directory was found for this build. Set one in the project's "
                  "settings if the build puts its output somewhere unusual.");
    if (listing.reason == ArtifactListing::kEmptyDirectory)
        return tr("The output directory %1 is empty.").arg(listing.outputDirectory);
    if (listing.reason == ArtifactListing::kTooManyEntries)
        return tr("the listing was cut short: the output directory holds too many files.");
    if (listing.reason == ArtifactListing::kTooDeep)
        return tr("the listing was cut short: some folders are nested too deeply.");
    if (listing.reason == ArtifactListing::kListingFailed)
        return tr("some folders of the output directory could not be listed.");
    return tr("This build has no artifacts.");
}

void ArtifactsView::fillTree()
{
    m_tree->clear();
    if (!m_listing)
        return;
    QHash<QString, QTreeWidgetItem *> folders;
    QHash<QTreeWidgetItem *, qint64> folderBytes;
    const QLocale locale;
    for (const BuildArtifact &file : std::as_const(m_listing->files)) {
        const QStringList parts = file.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        QTreeWidgetItem *parent = nullptr;
        QString folderPath;
        QList<QTreeWidgetItem *> chain;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            folderPath =
                folderPath.isEmpty() ? parts.at(i) : folderPath + QLatin1Char('/') + parts.at(i);
            QTreeWidgetItem *folder = folders.value(folderPath);
            if (!folder) {
                folder = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
                folder->setText(NameColumn, parts.at(i));
                folder->setIcon(NameColumn, style()->standardIcon(QStyle::SP_DirIcon));
                folder->setData(NameColumn, kPathRole, folderPath);
                folder->setData(NameColumn, kIsFolderRole, true);
                folder->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
                folders.insert(folderPath, folder);
            }
            chain.append(folder);
            parent = folder;
        }
        auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
        item->setText(NameColumn, parts.isEmpty() ? file.path : parts.constLast());
        item->setIcon(NameColumn, style()->standardIcon(QStyle::SP_FileIcon));
        item->setData(NameColumn, kPathRole, file.path);
        item->setData(NameColumn, kIsFolderRole, false);
        item->setText(SizeColumn, humanSize(file.sizeBytes));
        item->setToolTip(SizeColumn,
                         tr("%n byte(s)", nullptr, int(std::min<qint64>(file.sizeBytes, INT_MAX))));
        item->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
        if (file.modifiedAt.isValid())
            item->setText(ModifiedColumn,
                          locale.toString(file.modifiedAt.toLocalTime(), QLocale::ShortFormat));
        for (QTreeWidgetItem *folder : std::as_const(chain))
            folderBytes[folder] += file.sizeBytes;
    }
    for (auto it = folderBytes.cbegin(); it != folderBytes.cend(); ++it)
        it.key()->setText(SizeColumn, humanSize(it.value()));
    m_tree->expandAll();
}

QStringList ArtifactsView::selectedPaths() const
{
    if (!m_listing)
        return {};
    QSet<QString> files;
    QStringList folders;
    const auto selected = m_tree->selectedItems();
    for (const QTreeWidgetItem *item : selected) {
        const QString path = item->data(NameColumn, kPathRole).toString();
        if (item->data(NameColumn, kIsFolderRole).toBool())
            folders.append(path + QLatin1Char('/'));
        else
            files.insert(path);
    }
    QStringList result;
    for (const BuildArtifact &file : std::as_const(m_listing->files)) {
        const bool inFolder =
            std::any_of(folders.cbegin(), folders.cend(),
                        [&file](const QString &folder) { return file.path.startsWith(folder); });
        if (inFolder || files.contains(file.path))
            result.append(file.path);
    }
    return result;
}

void ArtifactsView::updateButtons()
{
    const bool downloading = m_downloader && m_downloader->isRunning();
    const bool listed = m_listing && !m_listing->files.isEmpty() && m_pages->currentIndex() == 1;
    const bool connected = !m_client.isNull();
    m_downloadAll->setEnabled(listed && connected && !downloading);
    m_downloadSelected->setEnabled(listed && connected && !downloading &&
                                   !m_tree->selectedItems().isEmpty());
    const QString offline = connected ? QString() : tr("Not connected to the sandbox.");
    m_downloadAll->setToolTip(offline);
    m_downloadSelected->setToolTip(offline);
    m_listAgain->setVisible(m_listingFailed);
    m_listAgain->setEnabled(connected);
    m_listAgain->setToolTip(offline);
}

void ArtifactsView::download(const QStringList &paths)
{
    if (!m_listing || !m_build || !m_client || (m_downloader && m_downloader->isRunning()))
        return;
    const QString folder = m_chooseFolder(this, tr("Download Artifacts To"));
    if (folder.isEmpty())
        return;
    m_lastFolder = folder;
    delete m_downloader;
    m_downloader = new engine::ArtifactDownloader(m_client, this);
    connect(m_downloader, &engine::ArtifactDownloader::progress, this, &ArtifactsView::onProgress);
    connect(m_downloader, &engine::ArtifactDownloader::finished, this,
            &ArtifactsView::onDownloadFinished);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    m_progress->show();
    m_cancel->show();
    m_cancel->setEnabled(true);
    m_downloadStatus->show();
    m_downloadStatus->setText(tr("Starting the download…"));
    const QString sandbox = m_build->sandboxId;
    if (!m_downloader->start(sandbox, *m_listing, paths, folder)) {
        onDownloadFinished(false, tr("The download could not start."));
        return;
    }
    updateButtons();
}

void ArtifactsView::onProgress(qint64 done, qint64 total, const QString &path)
{
    if (!m_downloader || !m_downloader->isRunning())
        return;
    if (!path.isEmpty())
        m_downloadStatus->setText(tr("Downloading %1…").arg(path));
    m_progress->setFormat(tr("%1 of %2").arg(humanSize(done), humanSize(total)));
    // Last: a slot on valueChanged may cancel (and so end) the download.
    m_progress->setValue(total > 0 ? int(done * kProgressSteps / total) : 0);
}

void ArtifactsView::onDownloadFinished(bool ok, const QString &message)
{
    m_cancel->hide();
    m_progress->hide();
    QString text = message;
    if (ok && m_downloader)
        text = tr("Downloaded %n file(s) to %1.", nullptr, int(m_downloader->downloaded().size()))
                   .arg(QDir::toNativeSeparators(m_lastFolder));
    m_downloadStatus->setText(text);
    m_downloadStatus->show();
    updateButtons();
    emit downloadFinished(ok, text);
}

void ArtifactsView::retranslate()
{
    m_tree->setHeaderLabels({tr("Name"), tr("Size"), tr("Modified")});
    m_downloadSelected->setText(tr("Download Selected…"));
    m_downloadAll->setText(tr("Download All…"));
    m_cancel->setText(tr("Cancel"));
    m_listAgain->setText(tr("List Again"));
}

void ArtifactsView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        if (m_listing)
            showListing(*m_listing);
        else
            reload();
    }
    QWidget::changeEvent(event);
}

} // namespace vw::ui
