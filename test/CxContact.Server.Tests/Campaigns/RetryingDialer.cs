using System.Collections.Concurrent;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.CallingList;

namespace CxContact.Server.Tests.Campaigns;

/// <summary>
/// A dialer that keeps the 503 contract of the pull API: a result that got 503 (or no answer at all) is sent again after
/// Retry-After until it gets 200 or 409. It records every answer, so a fault test can check that none was a 500, that
/// every 503 said when to retry, which leases were granted and which results were taken (200).
/// </summary>
public sealed class RetryingDialer(Func<HttpClient> dialer)
{
    /// <summary>One answer: status 0 when no answer came (the server died or never listened).</summary>
    public sealed record Answer(string Request, int Status, TimeSpan? RetryAfter, string? MediaType, string Body, DateTimeOffset At);

    public sealed record Grant(Guid LeaseId, IReadOnlyList<long> Records, DateTimeOffset At);

    private readonly ConcurrentQueue<Answer> _answers = new();

    public IReadOnlyCollection<Answer> Answers => _answers;
    public ConcurrentQueue<Grant> Grants { get; } = new();
    /// <summary>Results that got 200, by (lease, record).</summary>
    public ConcurrentDictionary<(Guid Lease, long Record), string> Taken { get; } = new();

    /// <summary>One lease request, sent once; the grant when it was 200.</summary>
    public async Task<(int Status, Grant? Grant)> LeaseAsync(Guid campaign, int count)
    {
        var (status, _, body) = await SendAsync("POST leases", c => c.PostJson($"/api/v1/campaigns/{campaign}/leases", new { count }));
        if (status != 200) return (status, null);
        var json = JsonDocument.Parse(body).RootElement;
        var grant = new Grant(json.GetProperty("leaseId").GetGuid(),
            [.. json.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("recordId").GetInt64())], DateTimeOffset.UtcNow);
        Grants.Enqueue(grant);
        return (status, grant);
    }

    /// <summary>Reports a result until it is taken (true) or refused with 409 (false), waiting as each 503 says; false when patience runs out.</summary>
    public async Task<bool> ReportAsync(Guid campaign, Guid lease, long record, string result, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            var (status, retryAfter, _) = await SendAsync("POST results",
                c => c.PostJson($"/api/v1/campaigns/{campaign}/results", new { leaseId = lease, recordId = record, result }));
            if (status == 200) { Taken[(lease, record)] = result; return true; }
            if (status == 409 || DateTime.UtcNow > until) return false;
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Sends one request and records its answer.</summary>
    public async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(string request, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send(dialer());
            var body = await response.Content.ReadAsStringAsync();
            var retryAfter = response.Headers.RetryAfter?.Delta;
            _answers.Enqueue(new Answer(request, (int)response.StatusCode, retryAfter, response.Content.Headers.ContentType?.MediaType, body, DateTimeOffset.UtcNow));
            return ((int)response.StatusCode, retryAfter, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _answers.Enqueue(new Answer(request, 0, null, null, e.Message, DateTimeOffset.UtcNow));
            return (0, null, "");
        }
    }

    /// <summary>No answer was a 5xx other than 503, and every 503 was a problem details answer with Retry-After.</summary>
    public void AssertKeptTheContract()
    {
        var broken = _answers.Where(a => a.Status >= 500 && a.Status != 503).ToList();
        Assert.True(broken.Count == 0, $"{broken.Count} answers were {string.Join(", ", broken.Select(a => a.Status).Distinct())}: " +
            string.Join("\n", broken.Take(3).Select(a => $"{a.Request}: {a.Body}")));
        foreach (var a in _answers.Where(a => a.Status == 503))
        {
            Assert.True(a.RetryAfter is { } r && r > TimeSpan.Zero, $"a 503 without Retry-After: {a.Request}: {a.Body}");
            Assert.Equal("application/problem+json", a.MediaType);
        }
    }
}
