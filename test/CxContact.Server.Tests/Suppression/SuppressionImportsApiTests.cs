using System.Net;
using Npgsql;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Suppression;

/// <summary>Suppression imports from CSV over HTTP: append, replace, the reject threshold and the error report.</summary>
public sealed class SuppressionImportsApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<SuppressionClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "SupImp " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return new SuppressionClient(api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    private static void Succeeded(System.Text.Json.JsonElement status) =>
        Assert.True(status.GetProperty("state").GetString() == "succeeded", $"the import did not succeed: {status}");

    [Fact]
    public async Task Phones_in_any_format_an_email_and_a_client_id_are_imported_and_suppressed()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        const string csv = "phone,email,client_id,source\r\n" +
            "+1 (415) 555-2671,,,complaint\r\n" +
            "415.555.2672,,,\r\n" +
            "1-415-555-2673,,,\r\n" +
            "\"(415) 555 2674\",,,\r\n" +
            "+14155552675,,,\r\n" +
            ", Ada@Example.COM ,,\r\n" +
            ",,CUST-42,\r\n";

        var status = await c.ImportAsync(list, csv);

        Succeeded(status);
        Assert.Equal(7, status.GetProperty("rowsRead").GetInt64());
        Assert.Equal(7, status.GetProperty("accepted").GetInt64());
        Assert.Equal(0, status.GetProperty("rejected").GetInt64());
        foreach (var p in new[] { "4155552671", "+1 415 555 2672", "415-555-2673", "14155552674", "(415) 555-2675" })
            Assert.True(await c.PhoneSuppressedAsync(list, p), p);
        Assert.False(await c.PhoneSuppressedAsync(list, "4155552676"));
        Assert.True(await c.SuppressedAsync(list, "email=ada%40example.com"));
        Assert.True(await c.SuppressedAsync(list, "clientId=CUST-42"));
        var count = await c.CountAsync(list);
        Assert.Equal(7, count.GetProperty("total").GetInt64());
        Assert.Equal(5, count.GetProperty("byType").GetProperty("phone").GetInt64());
        var one = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(7, one.GetProperty("entryCount").GetInt64());
    }

    [Fact]
    public async Task Too_many_bad_rows_fail_the_import_and_leave_the_list_as_it_was()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.AddAsync(list, new { type = "phone", value = "4155550100" });

        var status = await c.ImportAsync(list, "phone\r\n4155550101\r\n12\r\nnot a number\r\n4155550102\r\n", mode: "replace");

        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("rejectThresholdPercent", status.GetProperty("error").GetString());
        Assert.Equal(2, status.GetProperty("rejected").GetInt64());
        Assert.Equal(1, (await c.CountAsync(list)).GetProperty("total").GetInt64());
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550100"));
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550101"));
        var errors = await c.ImportErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Equal([["3", "phone"], ["4", "phone"]], errors.Select(e => e[..2]).ToList());
    }

    [Fact]
    public async Task The_error_report_names_the_row_and_the_mapped_column_and_good_rows_are_kept_under_the_threshold()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var spec = new
        {
            format = new { delimiter = ";" },
            columns = new { phone = "Number", email = "Mail", expiresAt = "Until" },
            rejectThresholdPercent = 60,
        };
        const string csv = "Number;Mail;Until\r\n4155550201;;2099-01-01\r\n12;;\r\n4155550203;nobody;\r\n4155550204;;someday\r\n4155550205;;\r\n";

        var status = await c.ImportAsync(list, csv, spec: spec);

        Succeeded(status);
        Assert.Equal(5, status.GetProperty("rowsRead").GetInt64());
        Assert.Equal(2, status.GetProperty("accepted").GetInt64());
        Assert.Equal(3, status.GetProperty("rejected").GetInt64());
        var errors = await c.ImportErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Equal([["3", "Number"], ["4", "Mail"], ["5", "Until"]], errors.Select(e => e[..2]).ToList());
        Assert.Contains("not a date", errors[2][2]);
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550201"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550205"));
        // A rejected row adds nothing, not even its good values.
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550203"));
        Assert.Equal(2, (await c.CountAsync(list)).GetProperty("total").GetInt64());
    }

    // Plain numbers (no dates, no source) take a bulk path of their own; a number on several rows, some dated, must
    // still end up as its last row says, whether the list was empty (COPY) or not (upsert).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_number_on_several_rows_ends_as_its_last_row_says_in_an_empty_list_and_in_one_with_entries(bool listHasEntries)
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        if (listHasEntries) await c.AddAsync(list, new { type = "phone", value = "4155550400" }, new { type = "phone", value = "4155550401" });
        var past = "2020-01-01T00:00:00Z";
        var csv = "phone,expires_at,source\r\n" +
            "4155550401,,\r\n" +            // plain, then dated: expired
            $"4155550401,{past},\r\n" +
            $"4155550402,{past},\r\n" +     // dated, then plain: permanent
            "4155550402,,\r\n" +
            "4155550403,,\r\n" +            // plain, dated, plain: permanent
            $"4155550403,{past},\r\n" +
            "4155550403,,\r\n" +
            "4155550404,,\r\n" +            // plain twice: one entry
            "+1 415 555 0404,,\r\n" +
            "4155550405,,dnc-request\r\n" + // a source is kept
            "+442079460000,,\r\n";          // not NANP

        var status = await c.ImportAsync(list, csv);

        Succeeded(status);
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550401"));
        foreach (var n in new[] { "4155550402", "4155550403", "4155550404", "4155550405", "+442079460000" })
            Assert.True(await c.PhoneSuppressedAsync(list, n), n);
        Assert.Equal(listHasEntries, await c.PhoneSuppressedAsync(list, "4155550400"));
        var total = listHasEntries ? 7 : 6;
        Assert.Equal(total, (await c.CountAsync(list)).GetProperty("total").GetInt64());
        var one = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(total, one.GetProperty("entryCount").GetInt64());
        var entries = (await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}/entries?type=phone&limit=100"), HttpStatusCode.OK))
            .GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("value").GetString()!);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, entries["+14155550401"].GetProperty("expiresAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entries["+14155550402"].GetProperty("expiresAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entries["+14155550403"].GetProperty("expiresAt").ValueKind);
        Assert.Equal("dnc-request", entries["+14155550405"].GetProperty("source").GetString());

        // A second import appends to what is there now, through the other path.
        Succeeded(await c.ImportAsync(list, "phone\r\n4155550401\r\n4155550406\r\n"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550401"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550406"));
        Assert.Equal(total + 1, (await c.CountAsync(list)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task An_import_that_a_rebuild_overlaps_is_in_the_index_once_both_are_done()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await using var db = new NpgsqlConnection(api.Postgres);
        await db.OpenAsync();
        await using var hold = await db.BeginTransactionAsync();
        // Holds the import between its index write and its commit: it waits for this lock to write the list.
        await using (var lockList = new NpgsqlCommand($"LOCK TABLE suppression_entries_{list:N} IN SHARE MODE", db, hold))
            await lockList.ExecuteNonQueryAsync();
        var accepted = await HttpAssert.Json(await c.UploadAsync(list, "phone\r\n4155550501\r\n"), HttpStatusCode.Accepted);
        Assert.True(await Eventually.UntilAsync(() => c.PhoneSuppressedAsync(list, "4155550501"), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50)),
            "the import never wrote the index");

        // A rebuild now reads a list without the number (not committed yet), and its index lacks it.
        await HttpAssert.Json(await c.Http.PostAsync($"/api/v1/suppression-lists/{list}/rebuild-index", null), HttpStatusCode.OK);
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550501"));
        await hold.CommitAsync();

        Succeeded(await c.FinishedAsync(accepted.GetProperty("statusUrl").GetString()!));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550501"));
    }

    [Fact]
    public async Task A_number_added_to_an_empty_list_while_a_file_loads_into_it_is_kept_and_the_file_still_loads()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await using var db = new NpgsqlConnection(api.Postgres);
        await db.OpenAsync();
        // A single add the import cannot see yet (not committed), of a number the file has too.
        await using var add = await db.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO suppression_entries_{list:N} (tenant_id, list_id, type, value, source) SELECT tenant_id, list_id, 'phone', '+14155550602', 'agent' " +
            $"FROM suppression_lists WHERE list_id = '{list}'", db, add))
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        var accepted = await HttpAssert.Json(await c.UploadAsync(list, "phone\r\n4155550601\r\n4155550602\r\n4155550603\r\n"), HttpStatusCode.Accepted);

        // The import's COPY reaches that number and waits for the add's transaction.
        await using var watch = new NpgsqlConnection(api.Postgres);
        await watch.OpenAsync();
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY suppression_entries_%'", watch);
            return (long)(await waiting.ExecuteScalarAsync())! > 0;
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50)), "the import's COPY never waited for the single add");
        await add.CommitAsync();

        var status = await c.FinishedAsync(accepted.GetProperty("statusUrl").GetString()!);
        Succeeded(status);
        Assert.Equal(3, status.GetProperty("entries").GetInt64());
        foreach (var n in new[] { "4155550601", "4155550602", "4155550603" }) Assert.True(await c.PhoneSuppressedAsync(list, n), n);
        Assert.Equal(3, (await c.CountAsync(list)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Replace_mode_replaces_the_entries_and_the_index()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.AddAsync(list, new { type = "phone", value = "4155550301" }, new { type = "email", value = "old@example.com" });
        Succeeded(await c.ImportAsync(list, "phone\r\n4155550302\r\n"));

        var status = await c.ImportAsync(list, "phone,email\r\n4155550303,new@example.com\r\n4155550303,\r\n", mode: "replace");

        Succeeded(status);
        Assert.Equal(2, status.GetProperty("entries").GetInt64());
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550301"));
        Assert.False(await c.PhoneSuppressedAsync(list, "4155550302"));
        Assert.False(await c.SuppressedAsync(list, "email=old%40example.com"));
        Assert.True(await c.PhoneSuppressedAsync(list, "4155550303"));
        Assert.True(await c.SuppressedAsync(list, "email=new%40example.com"));
        Assert.Equal(2, (await c.CountAsync(list)).GetProperty("total").GetInt64());
        var one = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/suppression-lists/{list}"), HttpStatusCode.OK);
        Assert.Equal(2, one.GetProperty("entryCount").GetInt64());
    }

    [Fact]
    public async Task Neither_multipart_nor_json_is_415_and_a_bad_mode_or_spec_is_400_naming_the_field()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();

        var text = await c.Http.PostAsync($"/api/v1/suppression-lists/{list}/imports", new StringContent("phone\n4155550401"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        // JSON is the SFTP pull; a file inline is not one of its fields.
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/suppression-lists/{list}/imports", new { file = "phone\n4155550401" }), "file");

        var bad = await HttpAssert.Json(await c.UploadAsync(list, "phone\r\n4155550401\r\n", mode: "update",
            spec: new { format = new { delimiter = "x" }, columns = new { phone = "Number" }, rejectThresholdPercent = 200 }), HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        foreach (var field in new[] { "mode", "spec.format.delimiter", "spec.rejectThresholdPercent" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} in {bad}");

        var unknown = await HttpAssert.Json(await c.UploadAsync(Guid.NewGuid(), "phone\r\n"), HttpStatusCode.NotFound);
        Assert.Equal(404, unknown.GetProperty("status").GetInt32());
    }
}
