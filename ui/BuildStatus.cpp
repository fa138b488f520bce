#include "ui/BuildStatus.h"

#include "app/engine/BuildHub.h"
#include "app/engine/ErrorLineExtractor.h"
#include "models/BuildStore.h"
#include "ui/BuildStatusLogPane.h"
#include "ui/LogView.h"
#include "ui/PhaseTimeline.h"
#include "ui/StatusStyle.h"

#include <QAction>
#include <QDateTime>
#include <QFontDatabase>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace vw::ui {

namespace {

constexpr qint64 kLogChunkBytes = 1024 * 1024; // one read of stored output
constexpr qsizetype kErrorScanLines = 5000;    // ErrorLineExtractor looks at the tail
const QString kEtaKey = QStringLiteral("eta_remaining_ms");

enum EventColumn { TimeColumn, TypeColumn, MessageColumn, EventColumnCount };

QString paneTitle(BuildStatus::Pane pane)
{
    switch (pane) {
    case BuildStatus::Pane::Install:
        return BuildStatus::tr("Install log");
    case BuildStatus::Pane::Build:
        return BuildStatus::tr("Build log");
    case BuildStatus::Pane::Live:
        return BuildStatus::tr("Live output");
    }
    return {};
}

// The phase chip: blue while running, grey while queued, then the end state's colour.
QColor phaseColor(const Build &build)
{
    return StatusStyle::color(build.status);
}

} // namespace

BuildStatus::BuildStatus(BuildStore *store, engine::BuildHub *hub, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_hub(hub)
{
    for (QStringDecoder &decoder : m_decoders)
        decoder = QStringDecoder(QStringDecoder::Utf8);
    buildUi();
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &BuildStatus::refreshDuration);

    connect(m_hub, &engine::BuildHub::buildCreated, this, &BuildStatus::onBuildCreated);
    connect(m_hub, &engine::BuildHub::buildChanged, this, &BuildStatus::onBuildAnnounced);
    connect(m_hub, &engine::BuildHub::buildFinished, this, &BuildStatus::onBuildAnnounced);
    connect(m_hub, &engine::BuildHub::eventAdded, this, &BuildStatus::onEventAdded);
    connect(m_hub, &engine::BuildHub::logAppended, this, &BuildStatus::onLogAppended);
    showPlaceholder(tr("No build selected"));
}

BuildStatus::~BuildStatus() = default;

void BuildStatus::buildUi()
{
    setAccessibleName(tr("Build status"));
    setMinimumSize(460, 420);

    // Header: icon, status, phase chip … duration, ETA.
    m_icon = new QLabel(this);
    m_icon->setFixedSize(24, 24);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    QFont big = m_status->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_status->setFont(big);
    m_status->setAccessibleName(tr("Build status"));
    m_phase = new QLabel(this);
    m_phase->setTextFormat(Qt::PlainText);
    m_phase->setAccessibleName(tr("Phase"));
    m_phase->setToolTip(tr("The phase the build is in"));
    m_duration = new QLabel(this);
    m_duration->setAccessibleName(tr("Duration"));
    m_duration->setToolTip(tr("How long the build has been running"));
    m_eta = new QLabel(this);
    m_eta->setAccessibleName(tr("Estimated time remaining"));
    m_eta->setToolTip(tr("Estimated from this project's earlier builds"));
    m_eta->setForegroundRole(QPalette::PlaceholderText);

    auto *header = new QHBoxLayout;
    header->addWidget(m_icon);
    header->addWidget(m_status);
    header->addSpacing(6);
    header->addWidget(m_phase);
    header->addStretch(1);
    header->addWidget(m_duration);
    header->addSpacing(8);
    header->addWidget(m_eta);

    m_step = new QLabel(this);
    m_step->setTextFormat(Qt::PlainText);
    m_step->setWordWrap(true);
    m_step->setAccessibleName(tr("Current step"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setFormat(tr("%p %"));
    m_progress->setTextVisible(true);
    m_progress->setAccessibleName(tr("Build progress"));
    m_progress->setToolTip(tr("Progress of the build"));

    // The error, prominent: a red band with the error line and the jump button.
    m_errorFrame = new QFrame(this);
    m_errorFrame->setObjectName(QStringLiteral("buildStatusError"));
    m_errorFrame->setFrameShape(QFrame::StyledPanel);
    m_errorFrame->setStyleSheet(
        QStringLiteral("QFrame#buildStatusError { background: #fdecec; border: 1px solid #cf222e;"
                       " border-radius: 4px; }"
                       "QFrame#buildStatusError QLabel { color: #7d1219; background: transparent;"
                       " border: none; }"));
    auto *errorIcon = new QLabel(m_errorFrame);
    errorIcon->setPixmap(StatusStyle::icon(vw::BuildStatus::Failed).pixmap(20, 20));
    errorIcon->setFixedSize(20, 20);
    m_errorLabel = new QLabel(m_errorFrame);
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_errorLabel->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_errorLabel->setAccessibleName(tr("Error"));
    m_errorLabel->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    m_jumpAction = new QAction(tr("Jump to First Error"), this);
    m_jumpAction->setShortcuts(
        {QKeySequence(Qt::Key_F8), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)});
    m_jumpAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_jumpAction->setToolTip(tr("Show the first error line in its log (F8)"));
    m_jumpAction->setEnabled(false);
    connect(m_jumpAction, &QAction::triggered, this, &BuildStatus::jumpToFirstError);
    addAction(m_jumpAction);
    m_jumpButton = new QPushButton(tr("Jump to first error"), m_errorFrame);
    m_jumpButton->setToolTip(m_jumpAction->toolTip());
    m_jumpButton->setAccessibleName(tr("Jump to first error"));
    connect(m_jumpButton, &QPushButton::clicked, m_jumpAction, &QAction::trigger);
    connect(m_jumpAction, &QAction::changed, m_jumpButton,
            [this] { m_jumpButton->setEnabled(m_jumpAction->isEnabled()); });
    m_jumpButton->setEnabled(false);

    auto *errorLayout = new QHBoxLayout(m_errorFrame);
    errorLayout->setContentsMargins(8, 6, 8, 6);
    errorLayout->addWidget(errorIcon, 0, Qt::AlignTop);
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(m_jumpButton, 0, Qt::AlignTop);
    m_errorFrame->setVisible(false);

    m_timeline = new PhaseTimeline(this);
    m_timeline->setAccessibleName(tr("Phase timeline"));
    connect(m_timeline, &PhaseTimeline::phaseClicked, this, &BuildStatus::showPhaseLog);

    // Events.
    m_eventModel = new QStandardItemModel(0, EventColumnCount, this);
    m_eventModel->setHorizontalHeaderLabels({tr("Time"), tr("Event"), tr("Message")});
    m_eventView = new QTreeView(this);
    m_eventView->setModel(m_eventModel);
    m_eventView->setRootIsDecorated(false);
    m_eventView->setUniformRowHeights(true);
    m_eventView->setAlternatingRowColors(true);
    m_eventView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_eventView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventView->header()->setStretchLastSection(true);
    m_eventView->header()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
    m_eventView->header()->setSectionResizeMode(TypeColumn, QHeaderView::ResizeToContents);
    m_eventView->setMinimumHeight(90);
    m_eventView->setAccessibleName(tr("Build events"));
    m_eventView->setToolTip(tr("What happened during the build, oldest first"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_step);
    layout->addWidget(m_progress);
    layout->addWidget(m_errorFrame);
    layout->addWidget(m_timeline);
    layout->addWidget(m_eventView, 1);

    for (Pane pane : {Pane::Install, Pane::Build, Pane::Live}) {
        auto *logPane = new BuildStatusLogPane(paneTitle(pane), this);
        m_panes[size_t(pane)] = logPane;
        layout->addWidget(logPane, 0);
        connect(logPane, &BuildStatusLogPane::expandedChanged, this,
                [layout, logPane](bool expanded) {
                    layout->setStretchFactor(logPane, expanded ? 3 : 0);
                });
    }
    setPaneExpanded(Pane::Live, true);
}

// ---- choosing the build ---------------------------------------------------------------------

void BuildStatus::setBuildId(qint64 buildId)
{
    m_projectId = 0;
    startLoad(buildId);
    if (buildId == 0)
        showPlaceholder(tr("No build selected"));
}

void BuildStatus::setLatestOfProject(qint64 projectId)
{
    m_projectId = projectId;
    startLoad(0);
    showPlaceholder(tr("Looking for the latest build…"));
    const quint64 generation = m_generation;
    m_store->latestBuild(projectId)->onResult(
        this, [this, generation](const Result<std::optional<Build>> &result) {
            // A newer build announced meanwhile has started its own load.
            if (generation != m_generation)
                return;
            if (!result) {
                showPlaceholder(tr("Could not read the builds: %1").arg(result.error().message));
                return;
            }
            if (!result.value()) {
                showPlaceholder(tr("No builds yet"));
                return;
            }
            startLoad(result.value()->id);
        });
}

void BuildStatus::onBuildCreated(const Build &build)
{
    if (m_projectId != 0 && build.projectId == m_projectId && build.id > m_buildId) {
        startLoad(build.id);
        return;
    }
    onBuildAnnounced(build);
}

void BuildStatus::startLoad(qint64 buildId)
{
    ++m_generation;
    const bool changed = buildId != m_buildId;
    resetView();
    m_buildId = buildId;
    m_completedEmitted = false;
    if (changed)
        emit buildIdChanged(buildId);
    if (buildId == 0)
        return;

    m_loading = true;
    showPlaceholder(tr("Loading build %1…").arg(buildId));
    const quint64 generation = m_generation;
    m_store->build(buildId)->onResult(this, [this, generation](const Result<Build> &result) {
        if (generation != m_generation)
            return;
        if (result)
            m_storedBuild = result.value();
        else
            m_loadError = result.error().message;
        m_buildRead = true;
        maybeFinishLoad();
    });
    const auto onEvents = [this, generation](const Result<QList<BuildEvent>> &result) {
        if (generation != m_generation)
            return;
        if (result) {
            for (const BuildEvent &event : result.value())
                appendEvent(event);
        }
        m_eventsRead = true;
        maybeFinishLoad();
    };
    m_store->events(buildId)->onResult(this, onEvents);
    readLogChunk(generation);
}

void BuildStatus::resetView()
{
    m_build.reset();
    m_storedBuild.reset();
    m_heldBuild.reset();
    m_loadError.clear();
    m_heldEvents.clear();
    m_heldLogs.clear();
    m_loading = false;
    m_buildRead = m_eventsRead = m_logRead = false;
    m_catchingUp = false;
    m_lastEventId = 0;
    m_liveEnd = 0;
    for (QStringDecoder &decoder : m_decoders)
        decoder = QStringDecoder(QStringDecoder::Utf8);
    m_phaseFirstLine.fill(-1);
    m_etaMs.reset();
    m_tick.stop();
    m_eventModel->removeRows(0, m_eventModel->rowCount());
    for (BuildStatusLogPane *pane : m_panes) {
        pane->view()->clear();
        pane->view()->highlightLine(-1);
        pane->view()->setFollowTail(true);
        pane->setNote({});
    }
    m_timeline->setBuild(Build{});
    m_errorFrame->setVisible(false);
    m_jumpAction->setEnabled(false);
}

void BuildStatus::showPlaceholder(const QString &text)
{
    m_icon->setPixmap(StatusStyle::icon(vw::BuildStatus::Queued)
                          .pixmap(QSize(24, 24), devicePixelRatioF(), QIcon::Disabled));
    m_status->setText(text);
    m_phase->clear();
    m_phase->setStyleSheet({});
    m_phase->setVisible(false);
    m_step->clear();
    m_progress->setValue(0);
    m_progress->setVisible(false);
    m_duration->clear();
    m_eta->clear();
}

// ---- the initial load -----------------------------------------------------------------------

void BuildStatus::readLogChunk(quint64 generation)
{
    m_store->readLog(m_buildId, LogSelection{}, m_liveEnd, kLogChunkBytes)
        ->onResult(this, [this, generation](const Result<LogSlice> &result) {
            if (generation != m_generation)
                return;
            bool more = false;
            if (result) {
                const LogSlice &slice = result.value();
                if (slice.offset == m_liveEnd) {
                    for (const LogSlice::Piece &piece : slice.pieces)
                        appendOutput(piece.phase, piece.stream,
                                     m_decoders[size_t(piece.stream)].decode(piece.data));
                    m_liveEnd = slice.end();
                    more = slice.size() > 0 && m_liveEnd < slice.totalSize;
                }
            }
            if (more) {
                readLogChunk(generation);
                return;
            }
            if (m_loading) {
                m_logRead = true;
                maybeFinishLoad();
            } else {
                finishCatchUp();
            }
        });
}

void BuildStatus::maybeFinishLoad()
{
    if (!m_loading || !m_buildRead || !m_eventsRead || !m_logRead)
        return;
    m_loading = false;

    // Events the hub announced while the stored ones were read: by id, each once.
    std::sort(m_heldEvents.begin(), m_heldEvents.end(),
              [](const BuildEvent &a, const BuildEvent &b) { return a.id < b.id; });
    for (const BuildEvent &event : std::exchange(m_heldEvents, {}))
        appendEvent(event);

    // Output announced meanwhile: only the bytes not read from the store.
    const QList<PendingLog> held = std::exchange(m_heldLogs, {});
    for (qsizetype i = 0; i < held.size(); ++i) {
        if (m_catchingUp) {
            m_heldLogs.append(held[i]);
            continue;
        }
        applyLog(held[i], false);
    }

    // The hub's build is at least as new as the stored row (the engine stores, then announces).
    std::optional<Build> build = m_heldBuild ? m_heldBuild : m_storedBuild;
    m_heldBuild.reset();
    m_storedBuild.reset();
    if (!build) {
        showPlaceholder(m_loadError.isEmpty()
                            ? tr("Build %1 not found").arg(m_buildId)
                            : tr("Could not load build %1: %2").arg(m_buildId).arg(m_loadError));
        return;
    }
    applyBuild(*build);
    emit loaded(m_buildId);
    checkCompleted();
}

void BuildStatus::finishCatchUp()
{
    m_catchingUp = false;
    // What the store could not fill is accepted as it is (nothing more to read).
    const QList<PendingLog> held = std::exchange(m_heldLogs, {});
    for (const PendingLog &log : held)
        applyLog(log, true);
    if (m_build && m_build->isFinished())
        updateErrorMarks();
}

// ---- hub updates ----------------------------------------------------------------------------

void BuildStatus::onBuildAnnounced(const Build &build)
{
    if (m_buildId == 0 || build.id != m_buildId)
        return;
    if (m_loading) {
        m_heldBuild = build;
        return;
    }
    applyBuild(build);
    checkCompleted();
}

void BuildStatus::onEventAdded(const BuildEvent &event)
{
    if (m_buildId == 0 || event.buildId != m_buildId)
        return;
    if (m_loading) {
        m_heldEvents.append(event);
        return;
    }
    appendEvent(event);
}

void BuildStatus::onLogAppended(qint64 buildId, Phase phase, LogStream stream, const QString &text,
                                qint64 from, qint64 to)
{
    if (m_buildId == 0 || buildId != m_buildId)
        return;
    PendingLog log{phase, stream, text, from, to};
    if (m_loading || m_catchingUp) {
        m_heldLogs.append(std::move(log));
        return;
    }
    applyLog(log, false);
}

void BuildStatus::applyLog(const PendingLog &log, bool allowGap)
{
    if (log.to <= m_liveEnd)
        return; // already shown (read from the store)
    if (log.from > m_liveEnd && !allowGap) {
        // Output is missing before this piece: read it from the store first.
        m_catchingUp = true;
        m_heldLogs.append(log);
        readLogChunk(m_generation);
        return;
    }
    QString text = log.text;
    if (log.from < m_liveEnd)
        text = QString::fromUtf8(log.text.toUtf8().mid(m_liveEnd - log.from));
    appendOutput(log.phase, log.stream, text);
    m_liveEnd = log.to;
}

void BuildStatus::appendOutput(Phase phase, LogStream stream, const QString &text)
{
    if (text.isEmpty())
        return;
    LogView *live = logView(Pane::Live);
    qsizetype &first = m_phaseFirstLine[size_t(phase)];
    if (first < 0)
        first = std::max<qsizetype>(0, live->lineCount() - 1);
    live->append(text, stream);
    if (phase == Phase::Install)
        logView(Pane::Install)->append(text, stream);
    else if (phase == Phase::Build)
        logView(Pane::Build)->append(text, stream);
}

void BuildStatus::appendEvent(const BuildEvent &event)
{
    if (event.id != 0 && event.id <= m_lastEventId)
        return;
    m_lastEventId = std::max(m_lastEventId, event.id);

    const QDateTime at =
        event.createdAt.isValid() ? event.createdAt.toLocalTime() : QDateTime::currentDateTime();
    auto *time = new QStandardItem(QLocale().toString(at.time(), QStringLiteral("HH:mm:ss")));
    time->setToolTip(QLocale().toString(at, QLocale::LongFormat));
    QString typeText = BuildEvent::typeDisplayName(event.type);
    if (event.phase)
        typeText = tr("%1 · %2").arg(phaseDisplayName(*event.phase), typeText);
    auto *type = new QStandardItem(typeText);
    type->setToolTip(event.type); // the stable name, as the CLI and the HTTP API print it
    auto *message = new QStandardItem(event.message);
    message->setToolTip(event.message);
    if (event.type == BuildEvent::Type::Error || event.type == BuildEvent::Type::Interrupted) {
        const QColor red = StatusStyle::color(vw::BuildStatus::Failed);
        for (QStandardItem *item : {time, type, message})
            item->setForeground(red);
        QFont bold = type->font();
        bold.setBold(true);
        type->setFont(bold);
    }
    for (QStandardItem *item : {time, type, message})
        item->setData(event.id, Qt::UserRole);

    QScrollBar *bar = m_eventView->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum();
    m_eventModel->appendRow({time, type, message});
    if (atEnd)
        m_eventView->scrollToBottom();
}

void BuildStatus::applyBuild(const Build &build)
{
    const bool wasFailed = m_build && m_build->status == vw::BuildStatus::Failed;
    m_build = build;
    const Build &b = *m_build;

    m_icon->setPixmap(StatusStyle::icon(b.status).pixmap(QSize(24, 24), devicePixelRatioF()));
    m_status->setText(statusText());
    m_phase->setVisible(true);
    m_phase->setText(phaseText());
    m_phase->setToolTip(b.isFinished() ? tr("Where the build ended")
                                       : tr("The phase the build is in"));
    const QColor chip = phaseColor(b);
    m_phase->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: white; font-weight: bold;"
                       " border-radius: 8px; padding: 1px 8px; }")
            .arg(chip.name()));
    m_step->setText(stepText());
    m_step->setVisible(!b.currentStep.isEmpty());
    m_progress->setVisible(true);
    m_progress->setValue(std::clamp(b.progress, 0, 100));
    QPalette progressPalette = m_progress->palette();
    progressPalette.setColor(QPalette::Highlight, StatusStyle::color(b.status));
    m_progress->setPalette(progressPalette);
    m_progress->setToolTip(tr("%1 % done").arg(m_progress->value()));
    if (b.status == vw::BuildStatus::Running && b.metadata.contains(kEtaKey)) {
        m_etaMs = b.metadata.value(kEtaKey).toInteger();
        m_etaAge.restart();
    } else {
        m_etaMs.reset();
    }
    m_timeline->setBuild(b);

    const bool showError = !b.errorMessage.isEmpty() && (b.status == vw::BuildStatus::Failed ||
                                                         b.status == vw::BuildStatus::Interrupted);
    m_errorFrame->setVisible(showError);
    m_errorLabel->setText(showError ? b.errorMessage : QString());
    m_errorFrame->setToolTip(showError ? tr("The first meaningful error line of the build")
                                       : QString());

    if (b.status == vw::BuildStatus::Running)
        m_tick.start();
    else
        m_tick.stop();
    refreshDuration();

    if (b.isFinished()) {
        updateErrorMarks();
        // A failure shows its log: the failed phase's pane opens at the error.
        if (b.status == vw::BuildStatus::Failed && !wasFailed) {
            const ErrorLocation error = firstError();
            if (error.isValid())
                setPaneExpanded(error.pane, true);
        }
    } else {
        m_jumpAction->setEnabled(false);
    }
    setAccessibleDescription(tr("%1, %2").arg(statusText(), stepText()));
}

void BuildStatus::checkCompleted()
{
    if (!m_build || m_loading || m_completedEmitted || !m_build->isFinished())
        return;
    m_completedEmitted = true;
    emit completed(m_build->status);
}

void BuildStatus::refreshDuration()
{
    const QString duration = durationText();
    m_duration->setText(duration.isEmpty() ? QString() : tr("Duration: %1").arg(duration));
    const QString eta = etaText();
    m_eta->setText(eta);
    m_eta->setVisible(!eta.isEmpty());
}

// ---- errors ---------------------------------------------------------------------------------

BuildStatus::Pane BuildStatus::paneFor(Phase phase)
{
    switch (phase) {
    case Phase::Install:
        return Pane::Install;
    case Phase::Build:
        return Pane::Build;
    case Phase::Setup:
    case Phase::Complete:
        break;
    }
    return Pane::Live;
}

BuildStatus::ErrorLocation BuildStatus::firstError() const
{
    if (!m_build)
        return {};
    QList<Pane> panes;
    for (Phase phase : allPhases()) {
        if (PhaseTimeline::segmentState(*m_build, phase) == PhaseTimeline::SegmentState::Failed) {
            if (paneFor(phase) != Pane::Live)
                panes.append(paneFor(phase));
            break;
        }
    }
    panes.append(Pane::Live);

    for (Pane pane : panes) {
        const LogBuffer &buffer = logView(pane)->buffer();
        const qsizetype lines = buffer.lineCount();
        if (lines == 0)
            continue;
        if (!m_build->errorMessage.isEmpty()) {
            LogBuffer::FindOptions options;
            options.caseSensitive = true;
            if (const auto match = buffer.find(m_build->errorMessage, options, 0, 0))
                return {pane, match->line};
        }
        const qsizetype start = std::max<qsizetype>(0, lines - kErrorScanLines);
        QStringList text;
        text.reserve(lines - start);
        for (qsizetype line = start; line < lines; ++line)
            text.append(buffer.lineText(line));
        const engine::ErrorLineExtractor::Match match = engine::ErrorLineExtractor::bestMatch(text);
        if (match.isValid())
            return {pane, start + match.lineIndex};
    }
    return {};
}

void BuildStatus::updateErrorMarks()
{
    for (BuildStatusLogPane *pane : m_panes) {
        pane->view()->highlightLine(-1);
        pane->setNote({});
    }
    const bool failed = m_build && (m_build->status == vw::BuildStatus::Failed ||
                                    m_build->status == vw::BuildStatus::Interrupted);
    const ErrorLocation error = failed ? firstError() : ErrorLocation{};
    m_jumpAction->setEnabled(error.isValid());
    if (!error.isValid())
        return;
    BuildStatusLogPane *pane = logPane(error.pane);
    pane->setNote(tr("error on line %1").arg(error.line + 1));
    pane->view()->setFollowTail(false);
    pane->view()->highlightLine(error.line);
}

bool BuildStatus::jumpToFirstError()
{
    const ErrorLocation error = firstError();
    if (!error.isValid())
        return false;
    setPaneExpanded(error.pane, true);
    LogView *view = logView(error.pane);
    view->setFollowTail(false);
    view->highlightLine(error.line);
    view->setFocus(Qt::ShortcutFocusReason);
    return true;
}

void BuildStatus::showPhaseLog(Phase phase)
{
    const Pane pane = paneFor(phase);
    setPaneExpanded(pane, true);
    LogView *view = logView(pane);
    if (pane == Pane::Live && m_phaseFirstLine[size_t(phase)] >= 0) {
        view->setFollowTail(false);
        view->scrollToLine(m_phaseFirstLine[size_t(phase)]);
    }
    view->setFocus(Qt::MouseFocusReason);
}

// ---- panes ----------------------------------------------------------------------------------

LogView *BuildStatus::logView(Pane pane) const
{
    return m_panes[size_t(pane)]->view();
}

bool BuildStatus::isPaneExpanded(Pane pane) const
{
    return m_panes[size_t(pane)]->isExpanded();
}

void BuildStatus::setPaneExpanded(Pane pane, bool expanded)
{
    m_panes[size_t(pane)]->setExpanded(expanded);
    // Lay out now, so a scroll right after this sees the pane's real height.
    if (layout() && isVisible())
        layout()->activate();
}

// ---- texts ----------------------------------------------------------------------------------

QString BuildStatus::statusText() const
{
    if (!m_build)
        return m_status->text();
    return StatusStyle::label(m_build->status);
}

// The phase the build is in; for a build that failed or was stopped, the phase where that
// happened (the stored phase is then "complete", which would read like success).
QString BuildStatus::phaseText() const
{
    if (!m_build)
        return {};
    if (m_build->isFinished() && m_build->status != vw::BuildStatus::Success) {
        for (Phase phase : allPhases()) {
            const auto state = PhaseTimeline::segmentState(*m_build, phase);
            if (state == PhaseTimeline::SegmentState::Failed ||
                state == PhaseTimeline::SegmentState::Stopped)
                return phaseDisplayName(phase);
        }
    }
    return phaseDisplayName(m_build->phase);
}

QString BuildStatus::stepText() const
{
    return m_build ? m_build->currentStep : QString();
}

int BuildStatus::progressValue() const
{
    return m_build ? m_progress->value() : 0;
}

QString BuildStatus::durationText() const
{
    if (!m_build || !m_build->startedAt.isValid())
        return {};
    if (m_build->durationMs)
        return StatusStyle::duration(*m_build->durationMs);
    const QDateTime end =
        m_build->completedAt.isValid() ? m_build->completedAt : QDateTime::currentDateTimeUtc();
    return StatusStyle::duration(std::max<qint64>(0, m_build->startedAt.msecsTo(end)));
}

QString BuildStatus::etaText() const
{
    if (!m_build || m_build->status != vw::BuildStatus::Running || !m_etaMs)
        return {};
    const qint64 remaining = *m_etaMs - m_etaAge.elapsed();
    if (remaining < 1000)
        return tr("almost done");
    return tr("about %1 left").arg(StatusStyle::duration(remaining));
}

QString BuildStatus::errorText() const
{
    return m_errorLabel->text();
}

bool BuildStatus::isErrorVisible() const
{
    return !m_errorFrame->isHidden();
}

} // namespace vw::ui
