using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// The server as a separate OS process (dotnet CxContact.Server.dll), for what only a real process shows:
/// exit codes, what it logs when it cannot start, and two processes forming one cluster.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServerProcess(Process process, IReadOnlyDictionary<string, string> settings)
    {
        _process = process;
        Settings = settings;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _lines);
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public int Pid => _process.Id;
    /// <summary>The settings (environment) it was started with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }
    /// <summary>Where HTTP listens (its ASPNETCORE_URLS), when it was given.</summary>
    public string? BaseUrl => Settings.TryGetValue("ASPNETCORE_URLS", out var urls) ? urls : null;

    /// <summary>SIGTERM, as Kubernetes stops a pod: the server should leave the cluster and exit by itself.</summary>
    public void Terminate() => CxContact.Testing.LocalServices.LocalProcess.Run("kill", "-TERM", Pid.ToString());

    /// <summary>SIGKILL, as a node that dies or an OOM kill: no stop of any kind runs; waits until it is gone.</summary>
    public void Kill()
    {
        CxContact.Testing.LocalServices.LocalProcess.Run("kill", "-KILL", Pid.ToString());
        _process.WaitForExit();
    }

    /// <summary>A client of this server's HTTP API, authenticated with the key.</summary>
    public HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl ?? throw new InvalidOperationException("started without ASPNETCORE_URLS")), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public static ServerProcess Start(IReadOnlyDictionary<string, string> env, params string[] args) => StartDll(ServerDll(), env, args);

    /// <summary>Another build of the server: a published one, say, run the way its image runs it.</summary>
    public static ServerProcess StartDll(string dll, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.WorkingDirectory = Path.GetDirectoryName(dll)!;
        // Nothing from the test runner's own environment may leak into the server's settings.
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("CXC_") || k.StartsWith("ASPNETCORE_") || k.StartsWith("POD_")).ToList())
            psi.Environment.Remove(k);
        psi.Environment["CXC_LOG_FORMAT"] = "text";
        // The tests' SFTP server listens on loopback, which SFTP may not reach unless an operator allows it.
        psi.Environment["CXC_SFTP_ALLOWED_NETWORKS"] = "127.0.0.0/8";
        // Like the dev run (a test of production settings overrides it): the secrets key may be generated.
        psi.Environment["CXC_DEV_MODE"] = "1";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return new ServerProcess(Process.Start(psi)!, new Dictionary<string, string>(env));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until GET url answers 200 and the body satisfies the condition.</summary>
    public async Task<string> WaitForAsync(string url, Func<string, bool> condition, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var last = ""; // the last body answered, kept across reads that get no answer
        var there = await Eventually.UntilAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var response = await http.GetAsync(url);
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && condition(last);
            }
            catch (HttpRequestException) { return false; /* not listening yet */ }
            catch (TaskCanceledException) { return false; /* slow start */ }
        }, timeout, TimeSpan.FromMilliseconds(200));
        return there ? last : throw new TimeoutException($"{url} did not get there in {timeout}; last answer: {last}\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The server's own build output (it has its runtimeconfig), same configuration as these tests.</summary>
    private static string ServerDll()
    {
        var testBin = AppContext.BaseDirectory; // .../test/CxContact.Server.Tests/bin/<Config>/net10.0/
        var config = new DirectoryInfo(testBin).Parent!.Name;
        var root = new DirectoryInfo(testBin);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CxContact.sln"))) root = root.Parent;
        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("CxContact.sln not found above " + testBin),
            "src", "CxContact.Server", "bin", config, "net10.0", "CxContact.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first", dll);
    }
}
