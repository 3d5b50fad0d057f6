using System.Diagnostics;

namespace CxContact.Testing.LocalServices;

/// <summary>Runs a command to completion and fails loudly with its output; PostgreSQL's tools need this as root.</summary>
public static class LocalProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs as the postgres OS user when we are root (PostgreSQL refuses to run as root).</summary>
    public static string RunAsPostgres(string file, params string[] args) =>
        IsRoot ? Run("runuser", ["-u", "postgres", "--", file, .. args]) : Run(file, args);

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120))) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} timed out"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    /// <summary>
    /// Runs a shell command once this process is gone, however it ends. ProcessExit handlers do not run when the
    /// test host is killed, and a private server left behind would outlive every test run.
    /// </summary>
    public static void WhenThisProcessEnds(string shellCommand)
    {
        var watcher = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; {shellCommand}";
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = "/",
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "bash", "-c", watcher }) psi.ArgumentList.Add(a);
        Process.Start(psi)?.Dispose();
    }

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>
    /// A port nobody listens on, below the kernel's ephemeral range (32768-60999 on Linux): a port the kernel picks for
    /// "any free port" may be handed to an outgoing connection before the server binds it, and with hundreds of test
    /// connections that happened. Never the same port twice in one run.
    /// </summary>
    public static int FreePort()
    {
        lock (Handed)
        {
            for (var tries = 0; tries < 1000; tries++)
            {
                var port = Random.Shared.Next(20000, 32000);
                if (!Handed.Add(port)) continue;
                try
                {
                    using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    l.Start();
                    return port;
                }
                catch (System.Net.Sockets.SocketException) { /* taken: try another */ }
            }
        }
        throw new InvalidOperationException("no free TCP port between 20000 and 32000");
    }

    private static readonly HashSet<int> Handed = [];

    /// <summary>A fresh directory under /tmp that the postgres user may enter.</summary>
    public static string TempDir(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return dir;
    }
}
