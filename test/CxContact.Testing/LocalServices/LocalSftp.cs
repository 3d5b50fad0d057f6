using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CxContact.Testing.LocalServices;

/// <summary>
/// One real OpenSSH SFTP server per test run, on 127.0.0.1 and a free port, with its own host key, serving
/// <see cref="Root"/> (the login directory) by absolute path. Key authentication always works; password
/// authentication needs root, because sshd only checks passwords of system users: as root the fixture creates a
/// throwaway user for this run and deletes it when the process ends. sshd is stopped then too, however it ends.
/// </summary>
public sealed class LocalSftp
{
    public const string Sshd = "/usr/sbin/sshd";

    private static readonly Lazy<LocalSftp> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Lock _authorizedKeys = new();
    private int _keys;

    public static LocalSftp Shared => Instance.Value;

    public string Host => "127.0.0.1";
    public required int Port { get; init; }
    /// <summary>"SHA256:…" of the server's host key, as ssh-keygen -lf prints it.</summary>
    public required string HostKeyFingerprint { get; init; }
    public required string Username { get; init; }
    /// <summary>The user's password, or null when not running as root (password authentication is then unavailable).</summary>
    public required string? Password { get; init; }
    /// <summary>An authorized ed25519 client key, OpenSSH format, no passphrase.</summary>
    public string PrivateKey { get; private set; } = "";
    /// <summary>The user's login directory: what the server lists at "."; tests drop files here (absolute path on the server too).</summary>
    public required string Root { get; init; }

    /// <summary>
    /// A fresh folder under <see cref="Root"/> that the server's user may write to (under root the tests log in as a
    /// throwaway user, who does not own Root), for pushes to land in. Returns its path relative to Root.
    /// </summary>
    public string NewDropFolder()
    {
        var name = "out-" + Guid.NewGuid().ToString("N")[..8];
        var path = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        return name;
    }
    private string Dir { get; init; } = "";

    /// <summary>
    /// A new client key (type ed25519, or rsa in PEM format), optionally encrypted with a passphrase; its public half
    /// is added to the authorized keys unless <paramref name="authorize"/> is false. Returns the private key's text.
    /// </summary>
    public string NewKey(string? passphrase = null, bool authorize = true, string type = "ed25519")
    {
        var path = Path.Combine(Dir, $"client-{Interlocked.Increment(ref _keys)}");
        string[] format = type == "rsa" ? ["-m", "PEM", "-b", "2048"] : [];
        LocalProcess.Run("ssh-keygen", ["-q", "-t", type, .. format, "-N", passphrase ?? "", "-C", "cxc-test", "-f", path]);
        if (authorize)
            lock (_authorizedKeys) File.AppendAllText(Path.Combine(Dir, "authorized_keys"), File.ReadAllText(path + ".pub"));
        return File.ReadAllText(path);
    }

    private static LocalSftp Start()
    {
        if (!File.Exists(Sshd))
            throw new InvalidOperationException($"OpenSSH's server ({Sshd}) is not installed, and the SFTP tests run a private one. " +
                "Install it with: apt-get install -y --no-install-recommends openssh-server (eng/test.sh does this).");

        var dir = LocalProcess.TempDir("cxc-sftp-");
        var root = Path.Combine(dir, "root");
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        LocalProcess.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cxc-test-host", "-f", Path.Combine(dir, "host_key"));
        var fingerprint = LocalProcess.Run("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(dir, "host_key.pub")).Split(' ')[1];

        string user;
        string? password = null;
        var cleanup = new List<string>();
        if (LocalProcess.IsRoot)
        {
            // sshd refuses to start as root without its privilege separation directory, which only the service unit creates.
            Directory.CreateDirectory("/run/sshd");
            user = "cxcsftp" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            LocalProcess.Run("useradd", "--no-create-home", "--home-dir", root, "--shell", "/usr/sbin/nologin", "--comment", "cxc SFTP test user", user);
            cleanup.Add($"userdel {user} >/dev/null 2>&1");
            LocalProcess.Run("bash", "-c", $"echo {user}:{password} | chpasswd");
        }
        else user = Environment.UserName;

        var server = new LocalSftp
        {
            Port = LocalProcess.FreePort(), HostKeyFingerprint = fingerprint, Username = user, Password = password, Root = root, Dir = dir,
        };
        File.WriteAllText(Path.Combine(dir, "authorized_keys"), "");
        // Read as the test user, not as root: world-readable, in a world-enterable directory.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(dir, "authorized_keys"), (UnixFileMode)0b110_100_100);
        server.PrivateKey = server.NewKey();

        var config = Path.Combine(dir, "sshd_config");
        var pidFile = Path.Combine(dir, "sshd.pid");
        var log = Path.Combine(dir, "sshd.log");
        WriteConfig(config, server, dir, pidFile, penalties: true);
        // OpenSSH 9.8 added per-source penalties, which would lock 127.0.0.1 out after the tests' deliberate failed logins;
        // older servers do not know the option at all.
        try { LocalProcess.Run(Sshd, "-t", "-f", config); }
        catch (InvalidOperationException e) when (e.Message.Contains("PerSourcePenalties"))
        {
            WriteConfig(config, server, dir, pidFile, penalties: false);
            LocalProcess.Run(Sshd, "-t", "-f", config);
        }

        cleanup.Insert(0, $"[ -f {LocalProcess.Quote(pidFile)} ] && kill $(cat {LocalProcess.Quote(pidFile)}) >/dev/null 2>&1");
        cleanup.Add($"rm -rf {LocalProcess.Quote(dir)}");
        LocalProcess.WhenThisProcessEnds(string.Join("; ", cleanup));

        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = "/",
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "bash", "-c", $"exec {Sshd} -D -e -f {LocalProcess.Quote(config)} </dev/null >>{LocalProcess.Quote(log)} 2>&1" })
            psi.ArgumentList.Add(a);
        Process.Start(psi)?.Dispose();
        WaitForBanner(server.Port, log);
        return server;
    }

    private static void WriteConfig(string path, LocalSftp s, string dir, string pidFile, bool penalties) => File.WriteAllLines(path,
    [
        $"Port {s.Port}",
        "ListenAddress 127.0.0.1",
        $"HostKey {Path.Combine(dir, "host_key")}",
        $"PidFile {pidFile}",
        "UsePAM no",
        "StrictModes no",
        "PubkeyAuthentication yes",
        $"PasswordAuthentication {(s.Password is null ? "no" : "yes")}",
        "KbdInteractiveAuthentication no",
        $"AuthorizedKeysFile {Path.Combine(dir, "authorized_keys")}",
        $"AllowUsers {s.Username}",
        "PermitRootLogin prohibit-password",
        "Subsystem sftp internal-sftp",
        "ForceCommand internal-sftp",
        "MaxStartups 100",
        "MaxSessions 100",
        "LoginGraceTime 30",
        "LogLevel VERBOSE",
        .. penalties ? new[] { "PerSourcePenalties no" } : [],
    ]);

    private static void WaitForBanner(int port, string log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient("127.0.0.1", port);
                var buffer = new byte[7];
                tcp.GetStream().ReadTimeout = 2000;
                if (tcp.GetStream().ReadAtLeast(buffer, 7, throwOnEndOfStream: false) == 7 && System.Text.Encoding.ASCII.GetString(buffer) == "SSH-2.0") return;
            }
            catch (Exception e) when (e is SocketException or IOException) { /* not listening yet */ }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"sshd did not start on 127.0.0.1:{port}: {(File.Exists(log) ? File.ReadAllText(log) : "(no log)")}");
            Task.Delay(50).GetAwaiter().GetResult();
        }
    }
}
