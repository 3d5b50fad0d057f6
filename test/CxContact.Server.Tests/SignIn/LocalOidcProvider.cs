using System.Diagnostics;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Testing.LocalServices;

/// <summary>
/// One real OpenID Connect provider per test run: the npm package oidc-provider (version pinned in
/// test/oidc-provider/package-lock.json), installed with npm ci into a temporary directory and run with node on
/// 127.0.0.1 and a free port. test/oidc-provider/provider.mjs says how: the login name decides the person and their
/// groups ("alice:g1,g2"), and any loopback server's /auth/callback is an allowed redirect. Stopped when this process ends.
/// </summary>
public sealed class LocalOidcProvider
{
    public const string ClientId = "cxcontact-tests";
    public const string ClientSecret = "cxcontact-tests-secret-0123456789";

    // Started on the thread pool: npm ci and the wait for the provider's answer block no test's thread.
    private static readonly Lazy<Task<LocalOidcProvider>> Instance = new(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<LocalOidcProvider> SharedAsync() => Instance.Value;

    public required Uri Issuer { get; init; }

    /// <summary>The settings a server needs to sign people in here (the groups claim needs the groups scope).</summary>
    public IReadOnlyDictionary<string, string> ServerSettings => new Dictionary<string, string>
    {
        ["CXC_OIDC_AUTHORITY"] = Issuer.ToString().TrimEnd('/'),
        ["CXC_OIDC_CLIENT_ID"] = ClientId,
        ["CXC_OIDC_CLIENT_SECRET"] = ClientSecret,
        ["CXC_OIDC_SCOPES"] = "openid profile email groups",
    };

    private static async Task<LocalOidcProvider> StartAsync()
    {
        var source = Path.Combine(RepoPaths.Root, "test", "oidc-provider");
        var dir = LocalProcess.TempDir("cxc-oidc-");
        foreach (var file in new[] { "package.json", "package-lock.json", "provider.mjs" })
            File.Copy(Path.Combine(source, file), Path.Combine(dir, file));
        try { Run(dir, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException("The sign-in tests run a real OpenID Connect provider with node and npm (node 20 or later): " + e.Message, e);
        }

        var port = LocalProcess.FreePort();
        var log = Path.Combine(dir, "provider.log");
        var pidFile = Path.Combine(dir, "provider.pid");
        LocalProcess.WhenThisProcessEnds($"[ -f {LocalProcess.Quote(pidFile)} ] && kill $(cat {LocalProcess.Quote(pidFile)}) >/dev/null 2>&1; rm -rf {LocalProcess.Quote(dir)}");
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = dir,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PORT"] = port.ToString();
        psi.Environment["CLIENT_ID"] = ClientId;
        psi.Environment["CLIENT_SECRET"] = ClientSecret;
        foreach (var a in new[] { "bash", "-c", $"echo $$ > {LocalProcess.Quote(pidFile)}; exec node provider.mjs </dev/null >>{LocalProcess.Quote(log)} 2>&1" })
            psi.ArgumentList.Add(a);
        Process.Start(psi)?.Dispose();

        var issuer = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answers = await Eventually.UntilAsync(async () =>
        {
            try { return (await http.GetAsync(new Uri(issuer, "/.well-known/openid-configuration"))).IsSuccessStatusCode; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; /* not listening yet */ }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        return answers
            ? new LocalOidcProvider { Issuer = issuer }
            : throw new TimeoutException($"oidc-provider did not answer on {issuer} within 30 s: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
    }

    private static void Run(string dir, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(300))) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
    }
}
