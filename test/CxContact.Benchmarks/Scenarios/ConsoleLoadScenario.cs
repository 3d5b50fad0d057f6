using CxContact.Testing;
using System.Diagnostics;
using System.Globalization;
using PuppeteerSharp;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// The admin console's first load over loopback in headless Chromium, from navigation to the sign-in form being
/// usable (the WebAssembly runtime downloaded, started and rendering), with the bytes it downloaded. Baseline in the
/// same run and browser: the same server's API reference page (/api-reference: static HTML and one script bundle)
/// to its first rendered heading, what a plain JavaScript page of ours costs. Each
/// load runs in a fresh browser profile (a cold cache), N times; the median counts. The server is published first
/// (trimmed, precompressed: what an image serves) unless CXC_BENCH_SERVER_DLL names one.
/// </summary>
public sealed class ConsoleLoadScenario : IScenario
{
    public string Name => "console-load";
    public string Description => "ms from navigation to a usable sign-in form in the Blazor admin console (cold cache), vs the API reference page";
    public int DefaultSize => 5;

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-console-").FullName;
        // What users download is the published console (trimmed, precompressed); a build serves every assembly whole.
        if (Environment.GetEnvironmentVariable("CXC_BENCH_SERVER_DLL") is not { Length: > 0 })
            Environment.SetEnvironmentVariable("CXC_BENCH_SERVER_DLL", await PublishAsync(Path.Combine(work, "publish"), ct));
        await using var server = await BenchmarkServer.StartAsync("console", Path.Combine(work, "landing"), ct);
        var console = new List<(double Ms, long Bytes)>();
        var old = new List<(double Ms, long Bytes)>();
        for (var i = 0; i < size; i++)
        {
            console.Add(await LoadAsync(server.BaseAddress, "input[type=password]"));
            old.Add(await LoadAsync(new Uri(server.BaseAddress, "/api-reference"), "h1, h2"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: round {i + 1}: console {console[^1].Ms:F0} ms ({console[^1].Bytes / 1e6:F1} MB), API reference {old[^1].Ms:F0} ms ({old[^1].Bytes / 1e6:F1} MB)"));
        }
        var (ms, bytes) = Median(console);
        var (oldMs, oldBytes) = Median(old);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: median console {ms:F0} ms, {bytes / 1e6:F1} MB; API reference {oldMs:F0} ms, {oldBytes / 1e6:F1} MB"));
        try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        return ScenarioResult.Create(Name, size, "first_load_ms", ms, "ms", "the API reference page's first load", oldMs) with
        {
            Extra = new() { ["download_bytes"] = bytes, ["api_reference_bytes"] = oldBytes },
        };
    }

    private static async Task<string> PublishAsync(string output, CancellationToken ct)
    {
        var project = Path.Combine(BenchmarkServer.RepositoryRoot(), "src", "CxContact.Server");
        Console.WriteLine($"console-load: publishing the server to {output}");
        var psi = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "q"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var log = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return p.ExitCode == 0 ? Path.Combine(output, "CxContact.Server.dll") : throw new InvalidOperationException("dotnet publish failed:\n" + log);
    }

    private static (double, long) Median(List<(double Ms, long Bytes)> runs)
    {
        var sorted = runs.OrderBy(r => r.Ms).ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>One cold load: a new browser (fresh profile), timed from navigation until the selector is on the page.</summary>
    private static async Task<(double Ms, long Bytes)> LoadAsync(Uri url, string ready)
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        long bytes = 0;
        var cdp = await page.CreateCDPSessionAsync();
        await cdp.SendAsync("Network.enable");
        cdp.MessageReceived += (_, e) =>
        {
            // Bytes on the wire per response (compressed when the server compressed it), as DevTools counts them.
            if (e.MessageID == "Network.loadingFinished" && e.MessageData.TryGetProperty("encodedDataLength", out var n))
                Interlocked.Add(ref bytes, (long)n.GetDouble());
        };
        var clock = Stopwatch.StartNew();
        await page.GoToAsync(url.ToString());
        await page.WaitForSelectorAsync(ready, new WaitForSelectorOptions { Timeout = 120_000 });
        var ms = clock.Elapsed.TotalMilliseconds;
        return (ms, Interlocked.Read(ref bytes));
    }
}
