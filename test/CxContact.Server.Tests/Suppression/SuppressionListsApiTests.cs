using System.Net.Http.Json;
using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;

namespace CxContact.Server.Tests.Suppression;

/// <summary>Suppression lists end to end over HTTP: entries, normalisation, timing, purge, tenancy, validation, rebuild.</summary>
public sealed class SuppressionListsApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<SuppressionClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Sup " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return new SuppressionClient(api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    [Fact]
    public async Task The_same_phone_in_five_formats_is_one_entry_and_every_format_is_suppressed()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        string[] formats = ["+1 (415) 555-2671", "415.555.2671", "1-415-555-2671", "4155552671", "+14155552671"];

        var added = await c.AddAsync(list, formats.Select(f => (object)new { type = "phone", value = f }).ToArray());

        Assert.Equal(1, added.GetProperty("added").GetInt64());
        Assert.Equal(1, (await c.CountAsync(list)).GetProperty("total").GetInt64());
        foreach (var f in formats) Assert.True(await c.PhoneSuppressedAsync(list, f), f);
        Assert.False(await c.PhoneSuppressedAsync(list, "415-555-2672"));
        var one = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(1, one.GetProperty("entryCount").GetInt64());
        Assert.Equal("tenant", one.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Expired_entries_do_not_suppress_future_ones_start_later_and_purge_removes_the_expired()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var now = DateTimeOffset.UtcNow;
        await c.AddAsync(list,
            new { type = "phone", value = "4155550001", expiresAt = now.AddMinutes(-5) },
            new { type = "phone", value = "4155550002", startsAt = now.AddHours(2) },
            new { type = "email", value = " Ada@Example.COM ", expiresAt = now.AddDays(1), source = "complaint" });

        Assert.False(await c.PhoneSuppressedAsync(list, "4155550001"));
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550002"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550002", now.AddHours(2).AddMinutes(1)));
        Assert.True(await c.SuppressedAsync(list, "email=ada%40example.com"));
        Assert.Equal(1, (await c.CountAsync(list)).GetProperty("expired").GetInt64());

        var purged = await HttpAssert.Json(await c.Http.PostAsync($"/api/v1/suppression-lists/{list}/purge-expired", null), HttpStatusCode.OK);

        Assert.Equal(1, purged.GetProperty("purged").GetInt64());
        Assert.Equal(2, purged.GetProperty("entryCount").GetInt64());
        var count = await c.CountAsync(list);
        Assert.Equal(2, count.GetProperty("total").GetInt64());
        Assert.Equal(0, count.GetProperty("expired").GetInt64());
    }

    [Fact]
    public async Task Remove_takes_any_format_and_the_number_is_no_longer_suppressed()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.AddAsync(list, new { type = "phone", value = "+14155552671" }, new { type = "clientId", value = " K-9 " });

        var removed = await c.Http.DeleteAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&value={Uri.EscapeDataString("(415) 555-2671")}");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.False(await c.PhoneSuppressedAsync(list, "+14155552671"));
        Assert.True(await c.SuppressedAsync(list, "clientId=K-9"));
        await HttpAssert.Problem(await c.Http.DeleteAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&value=4155552671"), HttpStatusCode.NotFound);
        await HttpAssert.FieldError(await c.Http.DeleteAsync($"/api/v1/suppression-lists/{list}/entries?type=fax&value=1"), "type");
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_use_the_list()
    {
        var owner = await TenantAsync();
        var other = await TenantAsync();
        var list = await owner.CreateListAsync();
        await owner.AddAsync(list, new { type = "phone", value = "4155552671" });

        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.PostEntriesAsync(list, [new { type = "phone", value = "4155552672" }]), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/suppression-lists/{list}/lookup?phone=4155552671"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/suppression-lists/{list}/export"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Http.DeleteAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.NotFound);
        var lists = await HttpAssert.Json(await other.Http.GetAsync("/api/v1/suppression-lists"), HttpStatusCode.OK);
        Assert.Equal(0, lists.GetArrayLength());
        Assert.True(await owner.PhoneSuppressedAsync(list, "4155552671"));
    }

    [Fact]
    public async Task Bad_entries_are_named_by_index_and_nothing_is_stored()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();

        var problem = await HttpAssert.FieldError(await c.PostEntriesAsync(list,
        [
            new { type = "phone", value = "4155552671" },
            new { type = "phone", value = "not a phone" },
            new { type = "fax", value = "4155552671" },
            new { type = "email", value = "nobody-at-example.com" },
            new { type = "email", value = "a@b.com", startsAt = DateTimeOffset.UtcNow, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) },
        ]), "entries[1].value");

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("entries[2].type", out _));
        Assert.True(errors.TryGetProperty("entries[3].value", out _));
        Assert.True(errors.TryGetProperty("entries[4].expiresAt", out _));
        Assert.False(errors.TryGetProperty("entries[0].value", out _));
        Assert.Equal(0, (await c.CountAsync(list)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task More_than_ten_thousand_entries_in_one_call_is_refused()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var entries = Enumerable.Range(0, 10_001).Select(i => (object)new { type = "clientId", value = "C" + i });

        await HttpAssert.FieldError(await c.PostEntriesAsync(list, entries), "entries");
        var ok = await c.AddAsync(list, Enumerable.Range(0, 10_000).Select(i => (object)new { type = "clientId", value = "C" + i }).ToArray());
        Assert.Equal(10_000, ok.GetProperty("added").GetInt64());
    }

    [Fact]
    public async Task Lists_are_created_changed_and_deleted_with_their_entries()
    {
        var c = await TenantAsync();
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/suppression-lists", new { name = "X", scope = "campaigns" }), "campaignIds");
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/suppression-lists", new { name = "X", scope = "everyone" }), "scope");
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/suppression-lists", new { description = "no name" }), "name");
        var campaign = Guid.NewGuid();
        var list = await c.CreateListAsync(new { name = "Campaign DNC", scope = "campaigns", campaignIds = new[] { campaign } });
        await c.AddAsync(list, new { type = "phone", value = "4155552671" });

        var patched = await HttpAssert.Json(await c.Http.PatchAsJsonAsync($"/api/v1/suppression-lists/{list}", new { name = "Everyone DNC", scope = "tenant" }),
            HttpStatusCode.OK);
        Assert.Equal("tenant", patched.GetProperty("scope").GetString());
        Assert.Equal(0, patched.GetProperty("campaignIds").GetArrayLength());
        Assert.Equal("Everyone DNC", patched.GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/suppression-lists/{list}")).StatusCode);
        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/lookup?phone=4155552671"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Entries_page_by_type_search_by_value_and_export_as_neutralised_csv()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.AddAsync(list,
            new { type = "clientId", value = "=HYPERLINK(\"x\")", source = "@import" },
            new { type = "clientId", value = "B" },
            new { type = "email", value = "a@example.com" },
            new { type = "phone", value = "4155552671", expiresAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });

        var page1 = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?type=clientId&limit=1"), HttpStatusCode.OK);
        var next = page1.GetProperty("next").GetString();
        var page2 = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?type=clientId&limit=1&after={next}"), HttpStatusCode.OK);
        Assert.NotEqual(page1.GetProperty("entries")[0].GetProperty("value").GetString(), page2.GetProperty("entries")[0].GetProperty("value").GetString());
        var found = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&value=415.555.2671"), HttpStatusCode.OK);
        Assert.Equal("+14155552671", Assert.Single(found.GetProperty("entries").EnumerateArray()).GetProperty("value").GetString());
        await HttpAssert.FieldError(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?after=garbage"), "after");

        var csv = await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/export");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("type,value,startsAt,expiresAt,source,createdAt,feeds,direct", lines[0]);
        Assert.Equal(5, lines.Length);
        var formula = ListClient.SplitCsv(lines.Single(l => l.Contains("HYPERLINK")));
        Assert.Equal("'=HYPERLINK(\"x\")", formula[1]);
        Assert.Equal("'@import", formula[4]);
        Assert.Contains(lines, l => l.StartsWith("phone,+14155552671,,2030-01-01T00:00:00.000Z,,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rebuild_keeps_answering_and_loses_none_of_the_entries_added_while_it_runs()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        for (var npa = 0; npa < 3; npa++)
            await c.AddAsync(list, Enumerable.Range(0, 10_000).Select(i => (object)new { type = "phone", value = $"{new[] { "212", "312", "646" }[npa]}555{i:0000}" }).ToArray());

        var rebuild = c.Http.PostAsync($"/api/v1/suppression-lists/{list}/rebuild-index", null);
        var added = new List<string>();
        var answered = 0;
        for (var round = 0; round < 20 && (round < 3 || !rebuild.IsCompleted); round++)
        {
            var batch = Enumerable.Range(0, 50).Select(i => $"415555{round * 50 + i:0000}").ToList();
            await c.AddAsync(list, batch.Select(v => (object)new { type = "phone", value = v }).ToArray());
            added.AddRange(batch);
            if (await c.PhoneSuppressedAsync(list, $"312555{round:0000}")) answered++;
        }
        var result = await HttpAssert.Json(await rebuild, HttpStatusCode.OK);

        Assert.Equal(added.Count / 50, answered);
        Assert.Equal(2, result.GetProperty("version").GetInt64());
        foreach (var v in added) Assert.True(await c.PhoneSuppressedAsync(list, v), v);
        Assert.True(await c.PhoneSuppressedAsync(list, "6465559999"));
        var info = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(2, info.GetProperty("index").GetProperty("version").GetInt64());
        Assert.Equal(30_000 + added.Count, info.GetProperty("entryCount").GetInt64());
    }
}
