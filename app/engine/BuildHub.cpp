#include "app/engine/BuildHub.h"

namespace vw::engine {

BuildHub::BuildHub(QObject *parent)
    : QObject(parent)
{
}

} // namespace vw::engine
