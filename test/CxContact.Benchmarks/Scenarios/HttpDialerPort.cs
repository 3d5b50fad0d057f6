using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Core.Campaigns;
using CxContact.Server.Dialing;
using CxContact.Server.CallingList;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>The pull API over HTTP, as an external dialer uses it, for the simulator in the dial benchmark.</summary>
public sealed class HttpDialerPort(HttpClient http, Guid campaignId) : IDialerPort
{
    public long Refused;

    public async Task<(Guid LeaseId, IReadOnlyList<(long RecordId, string Phone)> Records)> LeaseAsync(int count, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/campaigns/{campaignId}/leases", new { count }, ct);
        if (!response.IsSuccessStatusCode) return (Guid.Empty, []);
        var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct)).RootElement;
        return (json.GetProperty("leaseId").GetGuid(),
            json.GetProperty("records").EnumerateArray().Select(r => (r.GetProperty("recordId").GetInt64(), r.GetProperty("phone").GetString()!)).ToList());
    }

    public async Task<int> ReportAsync(IReadOnlyList<DialerResult> results, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/campaigns/{campaignId}/results/batch",
            new { results = results.Select(r => new { r.LeaseId, r.RecordId, result = r.Result.ToWire(), r.At, r.CallbackAt }) }, ct);
        if (!response.IsSuccessStatusCode) { Interlocked.Add(ref Refused, results.Count); return results.Count; }
        var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct)).RootElement;
        var refused = json.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("status").GetInt32() != 200);
        Interlocked.Add(ref Refused, refused);
        return refused;
    }

    public Task IdleAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task<bool> RunningAsync(CancellationToken ct)
    {
        var json = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/campaigns/{campaignId}", ct)).RootElement;
        return json.GetProperty("state").GetString() == "running";
    }
}
