using System.Globalization;
using System.Text.Json;

namespace CxContact.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project test/CxContact.Benchmarks -- &lt;scenario&gt; [--size N]</c>. Progress goes to
/// stdout as it happens; the last stdout line is the result as one JSON object, which scripts parse.
/// </summary>
public static class Program
{
    private const int UsageError = 2;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args is ["--list" or "-l" or "--help" or "-h" or "list"])
        {
            PrintList();
            return 0;
        }

        if (!TryParse(args, out var scenario, out var size, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine("usage: CxContact.Benchmarks <scenario> [--size N]   (--list shows the scenarios)");
            return UsageError;
        }

        using var cts = new CancellationTokenSource();
        // Ctrl-C cancels the run instead of killing the process, so the cluster is disposed and the private
        // PostgreSQL and Redis are stopped by their exit handlers rather than left running under /tmp.
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

        ScenarioResult result;
        try
        {
            result = await scenario.RunAsync(size, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{scenario.Name}: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{scenario.Name}: failed: {e}");
            return 1;
        }

        var json = JsonSerializer.Serialize(result);
        TryWriteResultFile(result.Scenario, json);
        Console.WriteLine(json);
        return 0;
    }

    private static bool TryParse(string[] args, out IScenario scenario, out int size, out string error)
    {
        scenario = null!;
        size = 0;
        string? name = null;
        string? sizeText = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--size")
            {
                if (i + 1 >= args.Length) { error = "--size needs a value"; return false; }
                sizeText = args[++i];
            }
            else if (a.StartsWith("--size=", StringComparison.Ordinal)) sizeText = a["--size=".Length..];
            else if (a.StartsWith('-')) { error = $"unknown option '{a}'"; return false; }
            else if (name is null) name = a;
            else { error = $"unexpected argument '{a}' (only one scenario per run)"; return false; }
        }

        if (name is null) { error = "no scenario given"; return false; }
        if (ScenarioRegistry.Find(name) is not { } found)
        {
            error = $"unknown scenario '{name}'; known: {string.Join(", ", ScenarioRegistry.All.Select(s => s.Name))}";
            return false;
        }
        scenario = found;

        if (sizeText is null) size = found.DefaultSize;
        // Underscores are allowed because sizes are easiest to read the way they are written in C# (100_000).
        else if (!int.TryParse(sizeText.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1)
        {
            error = $"--size must be a whole number from 1 to {int.MaxValue}, not '{sizeText}'";
            return false;
        }

        error = "";
        return true;
    }

    private static void PrintList()
    {
        Console.WriteLine("usage: dotnet run -c Release --project test/CxContact.Benchmarks -- <scenario> [--size N]");
        Console.WriteLine("scenarios:");
        var width = ScenarioRegistry.All.Max(s => s.Name.Length);
        foreach (var s in ScenarioRegistry.All)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {s.Name.PadRight(width)}  {s.Description} (default size {s.DefaultSize:N0})"));
    }

    // The file is a convenience for comparing runs; a read-only working directory must not fail the benchmark.
    private static void TryWriteResultFile(string scenario, string json)
    {
        try
        {
            var dir = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkResults");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, scenario + ".json"), json + Environment.NewLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"note: could not write BenchmarkResults/{scenario}.json: {e.Message}");
        }
    }
}
