#include "app/sandboxd/SandboxRegistry.h"

#include "app/sandboxd/Sandbox.h"

#include <algorithm>

namespace vw::sandboxd {

SandboxRegistry::SandboxRegistry(QObject *parent)
    : QObject(parent)
{
}

bool SandboxRegistry::add(Sandbox *sandbox)
{
    if (find(sandbox->name()) || find(sandbox->id()))
        return false;
    sandbox->setParent(this);
    const auto position =
        std::lower_bound(m_sandboxes.begin(), m_sandboxes.end(), sandbox,
                         [](const Sandbox *a, const Sandbox *b) { return a->name() < b->name(); });
    m_sandboxes.insert(position, sandbox);
    return true;
}

Sandbox *SandboxRegistry::find(const QString &idOrName) const
{
    for (Sandbox *sandbox : m_sandboxes) {
        if (sandbox->id().compare(idOrName, Qt::CaseInsensitive) == 0 ||
            sandbox->name() == idOrName)
            return sandbox;
    }
    return nullptr;
}

} // namespace vw::sandboxd
