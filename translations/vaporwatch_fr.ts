<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ApiTransport</name>
    <message>
        <source>Could not write the downloaded data: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AsyncJob</name>
    <message>
        <source>The operation was canceled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CommandLogFollower</name>
    <message>
        <source>The Daytona client is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log WebSocket closed unexpectedly: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log WebSocket stopped answering.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the command log shrank</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DaytonaClient</name>
    <message>
        <source>Sandbox %1 failed to start: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Sandbox %1 did not start within %n second(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DaytonaConfig</name>
    <message>
        <source>DAYTONA_SERVER_URL is deprecated; use DAYTONA_API_URL instead.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorParser</name>
    <message>
        <source>Bad request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unauthorized: the API key or token was not accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unprocessable entity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not implemented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bad gateway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gateway timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered HTTP %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not answer in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected answer from the server: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExecCommand</name>
    <message>
        <source>usage: vaporwatch-cli exec SANDBOX -- COMMAND [ARGUMENT…]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>interrupted: ending the command</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vaporwatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Vaporwatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Vaporwatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Vaporwatch %1&lt;/b&gt;&lt;p&gt;Starts and watches builds inside Daytona sandboxes.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No builds yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Builds you start in a Daytona sandbox appear here, phase by phase, with their logs.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SandboxCommand</name>
    <message>
        <source>usage: vaporwatch-cli sandbox list | get NAME | start NAME | stop NAME</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Vaporwatch: start and watch builds in Daytona sandboxes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A local Daytona-compatible sandbox server: the Daytona API on 127.0.0.1, running sandbox commands on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TCP port on 127.0.0.1 (0 picks a free one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File holding the API bearer token; created with a random token (mode 0600) when it does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A sandbox named NAME working in DIR (repeatable). Without any, one sandbox &quot;default&quot; in a temporary directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label KEY=VALUE on the sandbox NAME (repeatable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--port must be a number from 0 to 65535</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--token-file is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--sandbox wants NAME=DIR, got &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot create a temporary directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--label wants NAME:KEY=VALUE for a given sandbox, got &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sandbox name &quot;%1&quot; given twice</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
