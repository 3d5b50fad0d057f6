using System.Diagnostics;
using System.Globalization;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// A do-not-call registry as the benchmarks load it: N deterministic NANP numbers in one CSV file, imported into a
/// suppression list through the public API (how a registry arrives).
/// </summary>
public static class RegistryFile
{
    /// <summary>The benchmark's numbers as a registry file: a header and one number a line.</summary>
    public static async Task<string> WriteAsync(string work, int size, CancellationToken ct)
    {
        var file = Path.Combine(work, "registry.csv");
        await using var w = new StreamWriter(file);
        await w.WriteLineAsync("phone");
        for (var i = 0; i < size; i++) await w.WriteLineAsync(Number(i).AsMemory(), ct);
        return file;
    }

    /// <summary>
    /// The load figure: how a registry usually arrives, as one file, through POST …/imports (multipart upload, then
    /// the import job); timed from upload to "succeeded".
    /// </summary>
    public static async Task<double> LoadAsync(BenchmarkServer server, Guid list, string file, string mode, CancellationToken ct, string? spec = null) =>
        (await ImportAsync(server, list, file, mode, ct, spec)).Seconds;

    /// <summary><see cref="LoadAsync"/>, also answering the finished import's status.</summary>
    public static async Task<(double Seconds, System.Text.Json.JsonElement Status)> ImportAsync(BenchmarkServer server, Guid list, string file, string mode,
        CancellationToken ct, string? spec = null)
    {
        var clock = Stopwatch.StartNew();
        string status;
        await using (var stream = File.OpenRead(file))
        using (var form = new MultipartFormDataContent { { new StreamContent(stream, 1 << 16), "file", Path.GetFileName(file) }, { new StringContent(mode), "mode" } })
        {
            if (spec is not null) form.Add(new StringContent(spec), "spec");
            var response = await server.Http.PostAsync($"/api/v1/suppression-lists/{list}/imports", form, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the import answered {(int)response.StatusCode}: {text}");
            status = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("statusUrl").GetString()!;
        }
        while (true)
        {
            await Task.Delay(100, ct);
            var job = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync(status, ct)).RootElement;
            var state = job.GetProperty("state").GetString();
            if (state == "succeeded") return (clock.Elapsed.TotalSeconds, job.Clone());
            if (state == "failed") throw new InvalidOperationException($"the file import failed: {job}");
        }
    }

    /// <summary>The i-th number of a deterministic spread over the benchmark's area codes; i beyond the loaded count is not suppressed.</summary>
    public static string Number(int i)
    {
        var npa = ImportFile.AreaCodes[i % ImportFile.AreaCodes.Length];
        var rest = i / ImportFile.AreaCodes.Length; // up to 8,000,000 per area code: exchanges 200-999
        return string.Create(CultureInfo.InvariantCulture, $"+1{npa}{200 + rest / 10_000 % 800}{rest % 10_000:0000}");
    }

}
