using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Suppression;

/// <summary>
/// Compliance data feeds over HTTP: a registry's change list (adds and deletes), its full list per area code or
/// whole, in the layouts registries use (one 10-digit number per line; "NPA,NXXXXXX"), zipped or not; a deletion
/// never removes what another source of the list holds; a full list that looks truncated is refused; and all of it
/// reads back after a restart.
/// </summary>
public sealed class SuppressionFeedTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<SuppressionClient> TenantAsync() => (await KeyedTenantAsync()).Client;

    private async Task<(SuppressionClient Client, string Key)> KeyedTenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Feeds " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var key = created.GetProperty("adminKey").GetProperty("key").GetString()!;
        return (new SuppressionClient(api.Client(key)), key);
    }

    private static JsonElement Succeeded(JsonElement status)
    {
        Assert.True(status.GetProperty("state").GetString() == "succeeded", $"the import did not succeed: {status}");
        return status;
    }

    private static (long Added, long Removed, long Kept, long NotOnList) Changes(JsonElement status)
    {
        var c = status.GetProperty("changes");
        return (c.GetProperty("added").GetInt64(), c.GetProperty("removed").GetInt64(), c.GetProperty("kept").GetInt64(), c.GetProperty("notOnList").GetInt64());
    }

    private static object Feed(string feed, object? columns = null, string? action = null, bool header = true, double? maxRemovePercent = null,
        string[]? areaCodes = null) => new
    {
        feed, columns, action, areaCodes, maxRemovePercent = maxRemovePercent ?? 25,
        format = new { hasHeader = header },
    };

    private static async Task<JsonElement> EntryAsync(SuppressionClient c, Guid list, string e164)
    {
        var page = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&value={Uri.EscapeDataString(e164)}"), HttpStatusCode.OK);
        return Assert.Single(page.GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task A_change_list_adds_and_deletes_and_a_deletion_keeps_what_another_source_holds()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        // The state registry and a direct add hold numbers the federal registry will delete.
        Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550101,A\r\n2125550102,A\r\n2125550103,A\r\n", "changes", Feed("ftc-dnc")));
        Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550102,add\r\n", "changes", Feed("ny-dnc")));
        await c.AddAsync(list, new { type = "phone", value = "2125550103", source = "complaint" });

        var status = Succeeded(await c.ImportAsync(list,
            "phone,action\r\n2125550101,D\r\n2125550102,D\r\n2125550103,D\r\n2125550199,D\r\n2125550104,A\r\n", "changes", Feed("ftc-dnc")));

        Assert.Equal((1L, 1L, 2L, 1L), Changes(status));
        Assert.Equal("ftc-dnc", status.GetProperty("feed").GetString());
        Assert.False(await c.PhoneSuppressedAsync(list, "2125550101"));
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550102"));  // the state registry still holds it
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550103"));  // added directly: no feed removes it
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550104"));
        Assert.Equal(["ny-dnc"], (await EntryAsync(c, list, "+12125550102")).GetProperty("feeds").EnumerateArray().Select(f => f.GetString()!).ToArray());
        var direct = await EntryAsync(c, list, "+12125550103");
        Assert.Equal(JsonValueKind.Null, direct.GetProperty("feeds").ValueKind);
        Assert.True(direct.GetProperty("direct").GetBoolean());
        Assert.Equal(3, (await c.CountAsync(list)).GetProperty("total").GetInt64());
        var one = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(3, one.GetProperty("entryCount").GetInt64());

        // Once the state registry deletes it too, nothing holds the number any more.
        Assert.Equal((0L, 1L, 0L, 0L), Changes(Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550102,D\r\n", "changes", Feed("ny-dnc")))));
        Assert.False(await c.PhoneSuppressedAsync(list, "2125550102"));
    }

    [Fact]
    public async Task Ftc_style_files_one_number_per_line_apply_additions_and_deletions_shipped_as_separate_files()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var columns = new { phone = "1" };

        var adds = Succeeded(await c.ImportAsync(list, "2125550201\n2125550202\n2125550203\n2125550203\n", "changes",
            Feed("ftc-dnc", columns, action: "add", header: false)));
        var deletes = Succeeded(await c.ImportAsync(list, "2125550202\n2125550299\n", "changes", Feed("ftc-dnc", columns, action: "delete", header: false)));

        Assert.Equal((3L, 0L, 0L, 0L), Changes(adds));
        Assert.Equal((0L, 1L, 0L, 1L), Changes(deletes));
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550201"));
        Assert.False(await c.PhoneSuppressedAsync(list, "2125550202"));
        // Applying the same change list twice changes nothing more.
        Assert.Equal((0L, 0L, 0L, 0L), Changes(Succeeded(await c.ImportAsync(list, "2125550201\n", "changes", Feed("ftc-dnc", columns, action: "add", header: false)))));
    }

    [Fact]
    public async Task A_full_list_per_area_code_in_npa_and_number_columns_lets_go_of_what_it_no_longer_has_and_leaves_other_area_codes_alone()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var columns = new { areaCode = "1", phone = "2" };
        Succeeded(await c.ImportAsync(list, "416,5550101\n416,5550102\n416,5550103\n416,5550104\n905,5550101\n", "area-codes",
            Feed("dncl-ca", columns, header: false)));

        // Canada's 416 list a month later: one number left the registry, one joined.
        var status = Succeeded(await c.ImportAsync(list, "416,5550101\n416,5550102\n416,5550103\n416,5550105\n", "area-codes",
            Feed("dncl-ca", columns, header: false)));

        Assert.Equal((1L, 1L, 0L, 0L), Changes(status));
        Assert.False(await c.PhoneSuppressedAsync(list, "4165550104"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4165550105"));
        Assert.True(await c.PhoneSuppressedAsync(list, "9055550101")); // not in the file's area code
        Assert.Equal(5, (await c.CountAsync(list)).GetProperty("total").GetInt64());

        // An area code whose last number left: an empty list for it, named in spec.areaCodes.
        Succeeded(await c.ImportAsync(list, "", "area-codes", Feed("dncl-ca", columns, header: false, maxRemovePercent: 100, areaCodes: ["905"])));
        Assert.False(await c.PhoneSuppressedAsync(list, "9055550101"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4165550101"));
    }

    [Fact]
    public async Task A_full_list_that_would_lift_more_than_max_remove_percent_is_refused_and_the_list_stays_as_it_was()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var numbers = Enumerable.Range(0, 10).Select(i => $"21255503{i:00}").ToList();
        Succeeded(await c.ImportAsync(list, "phone\n" + string.Join('\n', numbers) + "\n", "full", Feed("tps")));

        // A download cut off after three rows.
        var status = await c.ImportAsync(list, "phone\n" + string.Join('\n', numbers.Take(3)) + "\n", "full", Feed("tps"));

        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("lacks 7 of the 10 numbers feed tps holds", status.GetProperty("error").GetString());
        Assert.Contains("spec.maxRemovePercent", status.GetProperty("error").GetString());
        Assert.Equal((0L, 0L, 0L, 0L), Changes(status));
        foreach (var n in numbers) Assert.True(await c.PhoneSuppressedAsync(list, n), n);
        Assert.Equal(10, (await c.CountAsync(list)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_zipped_download_with_a_file_per_area_code_is_read_file_by_file_and_its_rows_are_numbered_across_them()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, body) in new[] { ("212.txt", "phone,action\r\n2125550401,A\r\n"), ("646.txt", "phone,action\r\n6465550401,A\r\n6465550402,Q\r\n") })
            {
                await using var w = new StreamWriter(archive.CreateEntry(name).Open(), new UTF8Encoding(false));
                await w.WriteAsync(body);
            }

        var status = Succeeded(await c.ImportAsync(list, zip.ToArray(), "changes.zip", "changes", new { feed = "ftc-dnc", rejectThresholdPercent = 50 }));

        Assert.Equal(2, status.GetProperty("accepted").GetInt64());
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550401"));
        Assert.True(await c.PhoneSuppressedAsync(list, "6465550401"));
        Assert.Contains(status.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("212.txt (rows 1-2), 646.txt (rows 3-5)"));
        var error = Assert.Single(await c.ImportErrorsAsync(list, status.GetProperty("id").GetGuid()));
        Assert.Equal(["5", "action"], error[..2]);
        Assert.Contains("\"Q\" is not an action", error[2]);
    }

    [Fact]
    public async Task A_number_a_feed_holds_cannot_be_removed_directly_and_a_direct_expiry_does_not_end_its_suppression()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550501,A\r\n", "changes", Feed("ftc-dnc")));

        var refused = await HttpAssert.Problem(await c.Http.DeleteAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&value=2125550501"), HttpStatusCode.Conflict);
        Assert.Contains("ftc-dnc", refused.GetProperty("detail").GetString());
        await c.AddAsync(list, new { type = "phone", value = "2125550501", expiresAt = DateTimeOffset.UtcNow.AddDays(1) });

        Assert.True(await c.PhoneSuppressedAsync(list, "2125550501", DateTimeOffset.UtcNow.AddDays(30)));
        var entry = await EntryAsync(c, list, "+12125550501");
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("expiresAt").ValueKind);
        Assert.True(entry.GetProperty("direct").GetBoolean());
        // Added directly as well, the feed's deletion keeps it.
        Assert.Equal((0L, 0L, 1L, 0L), Changes(Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550501,D\r\n", "changes", Feed("ftc-dnc")))));
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550501"));
    }

    [Fact]
    public async Task Feed_holdings_and_their_last_import_read_back_after_a_restart_and_a_deletion_after_it_still_respects_them()
    {
        var (c, key) = await KeyedTenantAsync();
        var list = await c.CreateListAsync();
        Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550601,A\r\n2125550602,A\r\n", "changes", Feed("ftc-dnc")));
        Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550602,A\r\n", "changes", Feed("ny-dnc")));

        await api.RestartAsync();
        c = new SuppressionClient(api.Client(key));

        var feeds = (await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/feeds"), HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(["ftc-dnc", "ny-dnc"], feeds.Select(f => f.GetProperty("feed").GetString()!).ToArray());
        Assert.Equal([2L, 1L], feeds.Select(f => f.GetProperty("holds").GetInt64()).ToArray());
        // "added" counts numbers new to the list: the state registry's one was on it already.
        Assert.Equal([2L, 0L], feeds.Select(f => f.GetProperty("lastApplied").GetProperty("added").GetInt64()).ToArray());
        Assert.True(feeds[0].GetProperty("ageDays").GetDouble() < 1);
        var status = Succeeded(await c.ImportAsync(list, "phone,action\r\n2125550601,D\r\n2125550602,D\r\n", "changes", Feed("ftc-dnc")));
        Assert.Equal((0L, 1L, 1L, 0L), Changes(status));
        Assert.False(await c.PhoneSuppressedAsync(list, "2125550601"));
        Assert.True(await c.PhoneSuppressedAsync(list, "2125550602"));
    }

    [Fact]
    public async Task Bad_feed_specs_are_refused_naming_the_field_and_bad_rows_name_their_column()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        async Task Refused(string mode, object spec, string field)
        {
            var problem = await HttpAssert.Problem(await c.UploadAsync(list, "phone\n2125550701\n", mode, spec), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named: {problem}");
        }
        await Refused("changes", new { }, "spec.feed");
        await Refused("changes", new { feed = "ftc dnc!" }, "spec.feed");
        await Refused("append", new { feed = "ftc-dnc" }, "spec.feed");
        await Refused("changes", new { feed = "ftc-dnc", action = "remove" }, "spec.action");
        await Refused("changes", new { feed = "ftc-dnc", columns = new { phone = "phone", expiresAt = "until" } }, "spec.columns.expiresAt");
        await Refused("changes", new { feed = "ftc-dnc", actionValues = new { add = new[] { "A" }, delete = new[] { "a" } } }, "spec.actionValues");
        await Refused("area-codes", new { feed = "ftc-dnc", areaCodes = new[] { "112" } }, "spec.areaCodes[0]");
        await Refused("full", new { feed = "ftc-dnc", action = "add" }, "spec.action");
        await Refused("full", new { feed = "ftc-dnc", maxRemovePercent = 101 }, "spec.maxRemovePercent");
        await Refused("changes", new { feed = "ftc-dnc", columns = new { areaCode = "npa" } }, "spec.columns.areaCode");

        // A change list without an action column or spec.action fails, and says how to fix it.
        var noAction = await c.ImportAsync(list, "phone\n2125550701\n", "changes", Feed("ftc-dnc"));
        Assert.Equal("failed", noAction.GetProperty("state").GetString());
        Assert.Contains("spec.action", noAction.GetProperty("error").GetString());
        // A non-NANP number in an area-code list, a bad area code, a 6-digit local number: each row names its column.
        var rows = await c.ImportAsync(list, "npa,phone\n212,5550701\n112,5550702\n212,555070\n", "area-codes",
            new { feed = "ftc-dnc", rejectThresholdPercent = 90 });
        Succeeded(rows);
        Assert.Equal([["3", "npa"], ["4", "phone"]], (await c.ImportErrorsAsync(list, rows.GetProperty("id").GetGuid())).Select(e => e[..2]).ToList());
        var uk = await c.ImportAsync(list, "phone\n+442079460000\n2125550703\n", "area-codes", new { feed = "ftc-dnc", rejectThresholdPercent = 90 });
        Assert.Contains("not a North American number", Assert.Single(await c.ImportErrorsAsync(list, uk.GetProperty("id").GetGuid()))[2]);
    }
}
