#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace vw::sandboxd {

class Sandbox;

// The sandboxes this sandboxd serves, found by id or by name.
class SandboxRegistry : public QObject
{
    Q_OBJECT

public:
    explicit SandboxRegistry(QObject *parent = nullptr);

    // Takes ownership. Names are unique; a second sandbox with a taken name is refused.
    bool add(Sandbox *sandbox);
    Sandbox *find(const QString &idOrName) const;
    // Ordered by name.
    QList<Sandbox *> all() const { return m_sandboxes; }

private:
    QList<Sandbox *> m_sandboxes;
};

} // namespace vw::sandboxd
