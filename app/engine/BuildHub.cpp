#include "app/engine/BuildHub.h"

namespace vw::engine {

BuildHub::BuildHub(QObject *parent)
    : QObject(parent)
{
}

void BuildHub::announceArtifactsListing(qint64 buildId)
{
    ++m_artifactListings[buildId];
}

void BuildHub::announceArtifactsListed(qint64 buildId)
{
    endArtifactListing(buildId);
    emit artifactsListed(buildId);
}

void BuildHub::announceArtifactsListingFailed(qint64 buildId, const QString &message)
{
    endArtifactListing(buildId);
    emit artifactsListingFailed(buildId, message);
}

void BuildHub::endArtifactListing(qint64 buildId)
{
    const auto listing = m_artifactListings.find(buildId);
    if (listing != m_artifactListings.end() && --listing.value() <= 0)
        m_artifactListings.erase(listing);
}

} // namespace vw::engine
