using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Core.Campaigns;
using CxContact.Server.Dialing;

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

    public async Task<bool> ReportAsync(Guid leaseId, long recordId, CallResult result, DateTimeOffset at, DateTimeOffset? callbackAt, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/campaigns/{campaignId}/results",
            new { leaseId, recordId, result = result.ToWire(), at, callbackAt }, ct);
        if (response.IsSuccessStatusCode) return true;
        Interlocked.Increment(ref Refused);
        return false;
    }

    public Task IdleAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task<bool> RunningAsync(CancellationToken ct)
    {
        var json = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/campaigns/{campaignId}", ct)).RootElement;
        return json.GetProperty("state").GetString() == "running";
    }
}
