using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using Npgsql;

namespace CxContact.Server.Tests.Compliance;

/// <summary>Pre-dial decisions over HTTP: explained, audited, fed by attempt history, refusing bad input by name.</summary>
public sealed class ComplianceApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<HttpClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Compliance " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
    }

    private static async Task<JsonElement> Validate(HttpClient c, object body) =>
        await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", body), HttpStatusCode.OK);

    [Fact]
    public async Task Inside_the_window_is_allowed_and_outside_is_denied_with_the_next_allowed_time()
    {
        var c = await TenantAsync();
        // 415 is San Francisco: 2026-12-02 20:00Z is noon Pacific time.
        var noon = await Validate(c, new { dialingMode = "preview", phone = "+1 415 555 2671", channel = "voice", at = "2026-12-02T20:00:00Z" });
        Assert.Equal("allow", noon.GetProperty("decision").GetString());
        Assert.Equal("America/Los_Angeles", noon.GetProperty("timeZones")[0].GetString());

        // 14:00Z is 06:00 Pacific: denied until 08:00 Pacific = 16:00Z.
        var early = await Validate(c, new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T14:00:00Z" });
        Assert.Equal("deny", early.GetProperty("decision").GetString());
        Assert.Contains(early.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "us-federal-hours");
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T16:00:00Z"), early.GetProperty("nextAllowedAt").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(early.GetProperty("ruleSetVersion").GetString()));
    }

    [Fact]
    public async Task Florida_allows_three_attempts_in_24_hours_and_the_window_slides()
    {
        var c = await TenantAsync();
        const string phone = "+13055550123"; // Miami
        var first = FutureCalendar.At("12-02T15:00:00Z"); // 10:00 Eastern
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts", new { phone, at = first.AddHours(i), result = "no-answer" })).StatusCode);

        var fourth = await Validate(c, new { dialingMode = "preview", phone, at = first.AddHours(3) });
        Assert.Equal("deny", fourth.GetProperty("decision").GetString());
        Assert.Contains(fourth.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "us-fl-3-per-24h");
        Assert.Equal(first.AddHours(24), fourth.GetProperty("nextAllowedAt").GetDateTimeOffset());

        var later = await Validate(c, new { dialingMode = "preview", phone, at = first.AddHours(24) });
        Assert.Equal("allow", later.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task A_campaign_scoped_limit_counts_only_the_campaigns_own_attempts()
    {
        var campaigns = await CxContact.Server.Tests.Campaigns.CampaignClient.NewTenantAsync(api);
        var c = campaigns.Http;
        var renewals = (await campaigns.CreateAsync(new { name = "Renewals", contactLists = new[] { new { id = await campaigns.ListAsync(1), weight = 1 } } })).ToString();
        var winback = (await campaigns.CreateAsync(new { name = "Winback", contactLists = new[] { new { id = await campaigns.ListAsync(1), weight = 1 } } })).ToString();
        const string perCampaign = """
            {"attemptLimits": [{"id": "us-fl-3-per-24h", "citation": "our reading: 3 per 24 h per campaign", "effectiveFrom": "2000-01-01",
                                "country": "US", "region": "FL", "max": 3, "window": "PT24H", "per": "phone", "scope": "campaign"}]}
            """;
        await HttpAssert.Json(await c.PutAsync("/api/v1/rule-sets/per-campaign", new StringContent(perCampaign, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        const string phone = "+13055550144"; // Miami
        var first = FutureCalendar.At("12-02T15:00:00Z");
        foreach (var (campaign, hour) in new[] { (renewals, 0), (renewals, 1), (winback, 2) })
            Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts", new { phone, campaignId = campaign, at = first.AddHours(hour), result = "no-answer" })).StatusCode);
        var at = first.AddHours(3);

        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", phone, at, campaignId = renewals, ruleSetId = "per-campaign" })).GetProperty("decision").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts", new { phone, campaignId = renewals, at, result = "busy" })).StatusCode);
        var fourth = await Validate(c, new { dialingMode = "preview", phone, at = at.AddMinutes(5), campaignId = renewals, ruleSetId = "per-campaign" });
        Assert.Equal("deny", fourth.GetProperty("decision").GetString());
        Assert.Contains("in this campaign", fourth.GetProperty("reasons")[0].GetProperty("detail").GetString());
        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", phone, at = at.AddMinutes(5), campaignId = winback, ruleSetId = "per-campaign" })).GetProperty("decision").GetString());
        // The shipped rule counts the tenant's attempts, whichever campaign made them.
        Assert.Equal("deny", (await Validate(c, new { dialingMode = "preview", phone, at = at.AddMinutes(5), campaignId = winback })).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task A_suppressed_number_is_denied_in_every_format_until_its_entry_expires()
    {
        var c = await TenantAsync();
        var lists = new CxContact.Server.Tests.Suppression.SuppressionClient(c);
        var list = await lists.CreateListAsync();
        await lists.AddAsync(list, new { type = "phone", value = "(415) 555-2671", expiresAt = "2026-12-31T00:00:00Z" });
        await lists.AddAsync(list, new { type = "phone", value = "2125550147", startsAt = "2026-12-10T00:00:00Z" });

        foreach (var phone in new[] { "+1 (415) 555-2671", "415.555.2671", "1-415-555-2671", "4155552671", "+14155552671" })
        {
            var d = await Validate(c, new { dialingMode = "preview", phone, at = "2026-12-02T20:00:00Z" });
            Assert.Equal("deny", d.GetProperty("decision").GetString());
            Assert.Equal("suppressed", d.GetProperty("reasons")[0].GetProperty("rule").GetString());
        }
        // Expired entries do not suppress; entries not yet started do not either.
        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", phone = "4155552671", at = "2027-01-05T20:00:00Z" })).GetProperty("decision").GetString());
        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", phone = "2125550147", at = "2026-12-02T17:00:00Z" })).GetProperty("decision").GetString());
        Assert.Equal("deny", (await Validate(c, new { dialingMode = "preview", phone = "2125550147", at = "2026-12-11T17:00:00Z" })).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_by_field()
    {
        var c = await TenantAsync();
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "12" }), "phone");
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { email = "nope", channel = "email" }), "email");
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { phone = "4155552671", contact = new { tz = "Mars/Base" } }), "contact.tz");
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", phone = "4155552671", channel = "fax" }), "channel");
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { }), "phone");
        var tooMany = Enumerable.Range(0, 10_001).Select(_ => new { dialingMode = "preview", phone = "4155552671" }).ToArray();
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate-batch", new { items = tooMany }), "items");
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate-batch", new { items = new object[] { new { dialingMode = "preview", phone = "4155552671" }, new { dialingMode = "preview", phone = "x" } } }), "items[1].phone");
    }

    [Fact]
    public async Task A_batch_answers_in_order()
    {
        var c = await TenantAsync();
        var batch = await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new
        {
            items = new object[]
            {
                new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T20:00:00Z" },
                new { dialingMode = "preview", phone = "4155552671", at = "2026-12-02T14:00:00Z" },
                new { dialingMode = "preview", phone = "2125550147", at = "2026-12-02T20:00:00Z" },
            },
        }), HttpStatusCode.OK);
        Assert.Equal(["allow", "deny", "allow"], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("decision").GetString()!).ToArray());
    }

    [Fact]
    public async Task Ocs_validate_answers_200_or_409_and_history_counts_attempts()
    {
        var c = await TenantAsync();
        var allowed = await c.PostAsync("/ocs/validate", Json(new Dictionary<string, object> { ["GSW_PHONE"] = "13055550188", ["GSW_TZ_NAME"] = "America/New_York", ["GSW_CAMPAIGN_NAME"] = "Renewals" }));
        // Whatever the time now, the answer is a decision with reasons, as 200 (dial) or 409 (do not dial).
        Assert.Contains(allowed.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });

        for (var i = 0; i < 3; i++)
        {
            var attempt = Guid.NewGuid().ToString();
            Assert.Equal(HttpStatusCode.NoContent, (await c.PostAsync("/ocs/history", Json(new Dictionary<string, object>
                { ["GSW_PHONE"] = "13055550188", ["GSW_OCS_SEQUENCE_NO"] = 0, ["GSW_CALL_ATTEMPT_GUID"] = attempt }))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await c.PostAsync("/ocs/history", Json(new Dictionary<string, object>
                { ["GSW_PHONE"] = "13055550188", ["GSW_OCS_SEQUENCE_NO"] = 1, ["GSW_CALL_ATTEMPT_GUID"] = attempt, ["GSW_CALL_RESULT"] = "no-answer" }))).StatusCode);
        }
        var denied = await c.PostAsync("/ocs/validate", Json(new Dictionary<string, object> { ["GSW_PHONE"] = "13055550188", ["GSW_TZ_NAME"] = "America/New_York" }));
        Assert.Equal(HttpStatusCode.Conflict, denied.StatusCode);
        Assert.Contains("us-fl-3-per-24h", await denied.Content.ReadAsStringAsync());

        await HttpAssert.FieldError(await c.PostAsync("/ocs/history", Json(new Dictionary<string, object> { ["GSW_PHONE"] = "13055550188", ["GSW_OCS_SEQUENCE_NO"] = 1 })), "GSW_CALL_ATTEMPT_GUID");
        await HttpAssert.Problem(await api.Client().PostAsync("/ocs/validate", Json(new Dictionary<string, object>())), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_decision_is_audited()
    {
        var c = await TenantAsync();
        const string phone = "+14155550177";
        await Validate(c, new { dialingMode = "preview", phone, at = "2026-12-02T20:00:00Z" });
        await Validate(c, new { dialingMode = "preview", phone, at = "2026-12-02T14:00:00Z" });
        await using var db = NpgsqlDataSource.Create(api.Postgres);
        // The audit is written behind the answer.
        var n = await Eventually.UntilAsync(async () =>
        {
            await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject = @s");
            cmd.Parameters.AddWithValue("s", phone);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }, count => count >= 2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, n);

        var rows = await HttpAssert.Json(await c.GetAsync($"/api/v1/compliance/decisions?subject={Uri.EscapeDataString(phone)}"), HttpStatusCode.OK);
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Contains(rows.EnumerateArray(), r => !r.GetProperty("allowed").GetBoolean() && r.GetProperty("rules").EnumerateArray().Any(x => x.GetString() == "us-federal-hours"));
        Assert.All(rows.EnumerateArray(), r => Assert.False(string.IsNullOrEmpty(r.GetProperty("ruleSet").GetString())));
        var csv = await (await c.GetAsync($"/api/v1/compliance/decisions/export?subject={Uri.EscapeDataString(phone)}")).Content.ReadAsStringAsync();
        Assert.Equal(3, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(",+14155550177,deny,", csv);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_attempt_reported_late_counts_at_its_arrival_so_it_cannot_lower_a_count()
    {
        // Three Florida attempts reported two days after they were made: at their own times they would be outside
        // Florida's 24 hours and free a fourth call; counted at their arrival, they hold it back. Asked at the next noon
        // Eastern (inside Florida's hours, less than a day after they arrived).
        var c = await TenantAsync();
        const string phone = "+13055550177";
        var now = DateTimeOffset.UtcNow;
        var noon = CallingHours.NextEasternNoon();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts",
                new { phone, at = now.AddDays(-2).AddMinutes(i), result = "no-answer" })).StatusCode);
        var d = await Validate(c, new { dialingMode = "preview", purpose = "sales", phone, at = noon });
        Assert.Equal("deny", d.GetProperty("decision").GetString());
        Assert.Equal("us-fl-3-per-24h", d.GetProperty("reasons")[0].GetProperty("rule").GetString());
        // A day later they have aged out like any other attempt.
        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", purpose = "sales", phone, at = noon.AddDays(1) })).GetProperty("decision").GetString());

        // Reported on time (within 5 minutes), an attempt keeps its own time.
        const string other = "+13055550178";
        Assert.Equal(HttpStatusCode.NoContent, (await c.PostJson("/api/v1/compliance/attempts",
            new { phone = other, at = now.AddMinutes(-4).ToOffset(TimeSpan.FromHours(-5)), result = "no-answer" })).StatusCode); // any offset is fine

        await using var db = Npgsql.NpgsqlDataSource.Create(api.Postgres);
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FILTER (WHERE phone = @p AND at > reported_at + interval '1 day'),
                   count(*) FILTER (WHERE phone = @o AND at = reported_at)
            FROM call_attempts
            """);
        cmd.Parameters.AddWithValue("p", phone);
        cmd.Parameters.AddWithValue("o", other);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Equal(3L, r.GetInt64(0));
        Assert.Equal(1L, r.GetInt64(1));
    }

    [Fact]
    public async Task A_purpose_the_rules_do_not_know_is_refused_naming_the_field()
    {
        var c = await TenantAsync();
        await HttpAssert.FieldError(await c.PostJson("/api/v1/compliance/validate", new { dialingMode = "preview", purpose = "fundraising", phone = "+12125550100" }), "purpose");
        // Without a purpose every rule covers the call: Florida's sales hours apply to it too.
        var late = new { dialingMode = "preview", phone = "+13055550100", at = "2026-12-02T01:30:00Z" }; // 20:30 Eastern
        Assert.Equal("deny", (await Validate(c, late)).GetProperty("decision").GetString());
        Assert.Equal("allow", (await Validate(c, new { dialingMode = "preview", purpose = "informational", phone = "+13055550100", at = "2026-12-02T01:30:00Z" }))
            .GetProperty("decision").GetString());
    }
}
