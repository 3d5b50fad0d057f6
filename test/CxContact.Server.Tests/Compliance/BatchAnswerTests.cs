using System.Text.Json;
using CxContact.Core.Compliance;
using CxContact.Server.Api;
using CxContact.Server.Compliance;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CxContact.Server.Tests.Compliance;

/// <summary>validate-batch's answer is written from shared and templated pieces; its bytes are still exactly the serialised BatchResult.</summary>
public sealed class BatchAnswerTests
{
    [Fact]
    public async Task The_answer_is_byte_for_byte_the_serialised_batch_result()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddCxApi(); // the server's JSON conventions
        await using var provider = services.BuildServiceProvider();

        var zones = new[] { "America/New_York", "America/Chicago" };
        var hours = new DecisionReason("us-federal-hours", "outside 08:00-21:00 local time");
        var state = new DecisionReason("us-fl-hours", "Florida: 08:00-20:00 <local> & \"quoted\"");
        var allowed = new Decision(true, [], null, zones, "default@3");
        var outside = new Decision(false, [hours, state], DateTimeOffset.Parse("2026-12-03T08:00:00-05:00"), zones, "default@3");
        var list = Guid.NewGuid();
        Decision Suppressed(Decision d, string detail) =>
            d with { Allowed = false, Reasons = [new DecisionReason("suppressed", detail), .. d.Reasons], NextAllowedAt = null };
        string[] details =
        [
            $"the phone +14155550100 is on suppression list {list}", $"the email é\u00e8@exämple.com is on suppression list {list}",
            "quotes \" and \\ backslashes", "<script>&'", "line\nbreak\ttab\u0001control", "\u0001cxc:detail\u0001", "", "emoji 📞 and 电话",
            new string('x', 5000), "+", "\ud83d\ude00 surrogate pair",
        ];
        var decisions = new List<Decision> { allowed, outside, allowed };
        foreach (var d in details)
        {
            decisions.Add(Suppressed(allowed, d));
            decisions.Add(Suppressed(outside, d));
            // The same shape from equal, not shared, pieces.
            decisions.Add(Suppressed(outside with { Reasons = [hours with { }, state with { }], TimeZones = [.. zones] }, d));
            decisions.Add(Suppressed(outside with { NextAllowedAt = DateTimeOffset.Parse("2026-12-03T13:00:00Z") }, d));
            decisions.Add(Suppressed(outside with { RuleSetVersion = "tenant@1" }, d));
            decisions.Add(Suppressed(outside with { TimeZones = [] }, d));
            decisions.Add(new Decision(false, [new DecisionReason("location-unknown", d)], null, [], "default@3"));
        }
        decisions.Add(outside with { Reasons = [state, hours] });
        decisions.Add(outside);

        var http = new DefaultHttpContext { RequestServices = provider };
        var body = new MemoryStream();
        http.Response.Body = body;
        await new BatchAnswer(decisions).ExecuteAsync(http);
        await http.Response.BodyWriter.FlushAsync();

        var options = provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var expected = JsonSerializer.SerializeToUtf8Bytes(new ComplianceApi.BatchResult(decisions.Select(ValidationResult.From).ToList()), options);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
    }
}
