using System.Net;
using System.Text;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;
using Npgsql;

namespace CxContact.Server.Tests.Lists;

/// <summary>Imports end to end over HTTP: upload, job, normalisation, errors, modes, and nothing lost on failure.</summary>
public sealed class ContactListImportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<ListClient> TenantAsync()
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Lists " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        return new ListClient(api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
    }

    private static long Long(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    [Fact]
    public async Task A_plain_file_with_standard_headers_needs_no_spec_and_is_normalised()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, """
            client_id,first_name,last_name,phone1,phone2,email1,postal_code
            C1,Ada,Lovelace,+1 (415) 555-2671,212.555.0147,ada@example.com,94103
            C2,Alan,Turing,1-312-555-0199,,alan@example.com,60601
            """);

        ListClient.Succeeded(status);
        Assert.Equal(2, Long(status, "rowsRead"));
        Assert.Equal(2, Long(status, "accepted"));
        var summary = await c.ListAsync(list);
        Assert.Equal(2, Long(summary, "records"));
        Assert.Equal(3, Long(summary, "devices"));
        var ada = (await c.RecordsAsync(list)).Single(r => r.GetProperty("clientId").GetString() == "C1");
        var devices = ada.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal("+14155552671", devices[0].GetProperty("number").GetString());
        Assert.Equal("+12125550147", devices[1].GetProperty("number").GetString());
        // The ZIP code outranks the phone number: both devices are called on Pacific time.
        Assert.All(devices, d => Assert.Equal("America/Los_Angeles", d.GetProperty("timeZones")[0].GetString()));
        Assert.Equal("CA", ada.GetProperty("region").GetString());
        Assert.Equal(1, (await c.ListAsync(list)).GetProperty("recentImports").GetArrayLength());
    }

    [Fact]
    public async Task A_spec_maps_columns_types_custom_fields_and_device_hints()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var spec = new
        {
            format = new { delimiter = ";", hasHeader = false },
            columns = new object[]
            {
                new { source = 1, field = "client_id" },
                new { source = 2, field = "phone1", deviceType = "mobile" },
                new { source = 3, field = "custom", name = "balance", type = "number" },
                new { source = 4, field = "custom", name = "due", type = "date" },
                new { source = 5, field = "custom", name = "vip", type = "bool" },
                new { source = 6, ignore = true },
                new { source = 7, field = "tz" },
            },
            required = new[] { "client_id", "phone1" },
        };
        var status = await c.ImportAsync(list, "K1;4155552671;12.50;2026-12-01;yes;whatever;America/Chicago\n", spec: spec);

        ListClient.Succeeded(status);
        var r = Assert.Single(await c.RecordsAsync(list));
        var custom = r.GetProperty("custom");
        Assert.Equal(12.50m, custom.GetProperty("balance").GetDecimal());
        Assert.Equal("2026-12-01", custom.GetProperty("due").GetString());
        Assert.True(custom.GetProperty("vip").GetBoolean());
        var device = r.GetProperty("devices")[0];
        Assert.Equal("mobile", device.GetProperty("type").GetString());
        // An explicit tz outranks everything else.
        Assert.Equal("America/Chicago", device.GetProperty("timeZones")[0].GetString());
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_row_and_column_and_the_rest_imports()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var rows = new StringBuilder("client_id,phone1,due\n");
        for (var i = 0; i < 60; i++) rows.Append($"G{i},415555{i:0000},2026-01-01\n");
        rows.Append("B1,not a phone,2026-01-01\n");   // row 62: unparseable phone
        rows.Append("B2,4155550100,31/31/2026\n");    // row 63: bad date
        rows.Append(",4155550101,2026-01-01\n");      // row 64: missing required client_id
        rows.Append("B4,4155550102\n");               // row 65: wrong number of columns
        var spec = new
        {
            columns = new object[]
            {
                new { source = "client_id", field = "client_id" }, new { source = "phone1", field = "phone1" },
                new { source = "due", field = "custom", name = "due", type = "date" },
            },
            required = new[] { "client_id" },
        };
        var status = await c.ImportAsync(list, rows.ToString(), spec: spec);

        ListClient.Succeeded(status);
        Assert.Equal(64, Long(status, "rowsRead"));
        Assert.Equal(60, Long(status, "accepted"));
        Assert.Equal(4, Long(status, "rejected"));
        var errors = await c.ErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Contains(errors, e => e[0] == "62" && e[1] == "phone1");
        Assert.Contains(errors, e => e[0] == "63" && e[1] == "due" && e[2].Contains("not a date"));
        Assert.Contains(errors, e => e[0] == "64" && e[1] == "client_id" && e[2].Contains("required"));
        Assert.Contains(errors, e => e[0] == "65" && e[2].Contains("columns"));
    }

    [Fact]
    public async Task Too_many_rejects_fail_the_import_and_leave_the_list_exactly_as_it_was()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.ImportAsync(list, "client_id,phone1\nA,4155550001\nB,4155550002\n");
        var before = (await c.RecordsAsync(list)).Select(r => r.GetRawText()).ToList();

        var status = await c.ImportAsync(list, "client_id,phone1\nC,4155550003\nD,garbage\nE,garbage\n", mode: "replace");

        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("rejected", status.GetProperty("error").GetString());
        Assert.Equal(before, (await c.RecordsAsync(list)).Select(r => r.GetRawText()).ToList());
        Assert.Equal(2, (await c.ErrorsAsync(list, status.GetProperty("id").GetGuid())).Count);
    }

    [Fact]
    public async Task Replace_swaps_the_whole_set()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.ImportAsync(list, "client_id,phone1\nA,4155550001\nB,4155550002\n");
        var status = await c.ImportAsync(list, "client_id,phone1\nC,4155550003\n", mode: "replace");

        ListClient.Succeeded(status);
        Assert.Equal(["C"], (await c.RecordsAsync(list)).Select(r => r.GetProperty("clientId").GetString()!).ToArray());
        Assert.Equal(1, Long(await c.ListAsync(list), "records"));
    }

    [Fact]
    public async Task Update_by_key_keeps_attempt_history_and_adds_new_records()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.ImportAsync(list, "client_id,first_name,phone1\nA,Old,4155550001\nB,Bee,4155550002\n");
        await using (var db = NpgsqlDataSource.Create(api.Postgres))
        await using (var cmd = db.CreateCommand("UPDATE contact_records SET attempts = 3, last_result = 'busy' WHERE list_id = @l AND client_id = 'A'"))
        {
            cmd.Parameters.AddWithValue("l", list);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var status = await c.ImportAsync(list, "client_id,first_name,phone1\nA,New,4155550009\nZ,Zed,4155550003\n", mode: "update");

        ListClient.Succeeded(status);
        Assert.Equal(1, Long(status, "merged"));
        var records = await c.RecordsAsync(list);
        Assert.Equal(3, records.Count);
        var a = records.Single(r => r.GetProperty("clientId").GetString() == "A");
        Assert.Equal("New", a.GetProperty("firstName").GetString());
        Assert.Equal("+14155550009", a.GetProperty("devices")[0].GetProperty("number").GetString());
        Assert.Equal(3, a.GetProperty("attempts").GetInt32());
        Assert.Equal("busy", a.GetProperty("lastResult").GetString());
    }

    [Fact]
    public async Task Dedupe_merges_within_the_file_and_against_the_list()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync(new { name = "dedupe", spec = new { dedupe = "client_id" } });
        var first = await c.ImportAsync(list, "client_id,first_name,phone1\nA,One,4155550001\nA,Two,4155550001\nB,Bee,4155550002\n");
        Assert.Equal(1, Long(first, "merged"));
        Assert.Equal(2, Long(await c.ListAsync(list), "records"));

        var second = await c.ImportAsync(list, "client_id,first_name,phone1\nB,Again,4155550002\nC,See,4155550003\n");
        Assert.Equal(1, Long(second, "merged"));
        var records = await c.RecordsAsync(list);
        Assert.Equal(["A", "B", "C"], records.Select(r => r.GetProperty("clientId").GetString()!).Order().ToArray());
        Assert.Equal("Two", records.Single(r => r.GetProperty("clientId").GetString() == "A").GetProperty("firstName").GetString());
        Assert.Equal("Again", records.Single(r => r.GetProperty("clientId").GetString() == "B").GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Selection_rules_exclude_rows_without_counting_them_as_errors()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var spec = new
        {
            selection = new
            {
                any = new object[]
                {
                    new { field = "region", op = "in", values = new[] { "NY" } },
                    new { all = new object[] { new { field = "area_code", op = "=", value = "415" }, new { field = "balance", op = ">", value = "100" } } },
                },
            },
            columns = new object[]
            {
                new { source = "client_id", field = "client_id" }, new { source = "phone1", field = "phone1" },
                new { source = "balance", field = "custom", name = "balance", type = "number" },
            },
        };
        var status = await c.ImportAsync(list, "client_id,phone1,balance\nNY1,2125550147,5\nSF1,4155550001,500\nSF2,4155550002,50\nCHI,3125550199,900\n", spec: spec);

        Assert.Equal(2, Long(status, "accepted"));
        Assert.Equal(2, Long(status, "excluded"));
        Assert.Equal(0, Long(status, "rejected"));
        Assert.Equal(["NY1", "SF1"], (await c.RecordsAsync(list)).Select(r => r.GetProperty("clientId").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task The_same_upload_with_the_same_idempotency_key_is_imported_once()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        const string file = "client_id,phone1\nA,4155550001\n";
        var first = await HttpAssert.Json(await c.UploadAsync(list, file, idempotencyKey: "daily-2026-11-27"), HttpStatusCode.Accepted);
        var second = await c.UploadAsync(list, file, idempotencyKey: "daily-2026-11-27");
        var again = await HttpAssert.Json(second, HttpStatusCode.Accepted);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        await c.WaitAsync(list, first.GetProperty("id").GetGuid());
        Assert.Equal(1, Long(await c.ListAsync(list), "records"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("client_id,phone1\n", "no data rows")]
    [InlineData("client_id,phone1\n\n\n", "no data rows")]
    public async Task Empty_files_fail_with_a_clear_reason(string content, string reason)
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, content);
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains(reason, status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_bom_mixed_line_endings_and_newlines_inside_quotes_are_read_correctly()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, "\uFEFFclient_id,company,phone1\r\nA,\"Acme,\nInc.\",4155550001\nB,\"Say \"\"hi\"\"\",4155550002\rC,Plain,4155550003\r\n");
        ListClient.Succeeded(status);
        var records = (await c.RecordsAsync(list)).ToDictionary(r => r.GetProperty("clientId").GetString()!);
        Assert.Equal(["A", "B", "C"], records.Keys.Order().ToArray());
        Assert.Equal("Acme,\nInc.", records["A"].GetProperty("company").GetString());
        Assert.Equal("Say \"hi\"", records["B"].GetProperty("company").GetString());
    }

    [Fact]
    public async Task Backslashes_tabs_quotes_and_unicode_survive_the_copy_unchanged()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        const string name = "Zo\u00eb \\N \\t \"Q\"\tTab\u00a0\u4e2d {a,b} \\\\";
        var csvName = "\"" + name.Replace("\"", "\"\"") + "\"";
        var status = await c.ImportAsync(list, $"client_id,first_name,phone1,note\nA\\1,{csvName},4155550001,{csvName}\n");
        ListClient.Succeeded(status);
        var record = Assert.Single(await c.RecordsAsync(list));
        Assert.Equal("A\\1", record.GetProperty("clientId").GetString());
        Assert.Equal(name, record.GetProperty("firstName").GetString());
        Assert.Equal(name, record.GetProperty("custom").GetProperty("note").GetString());
    }

    [Fact]
    public async Task An_unterminated_quote_is_reported_not_guessed()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync(new { name = "q", spec = new { rejectThresholdPercent = 50 } });
        var status = await c.ImportAsync(list, "client_id,company,phone1\nA,Fine,4155550001\nB,Fine,4155550002\nC,\"Broken,4155550003\nD,Lost,4155550004\n");
        var errors = await c.ErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Contains(errors, e => e[0] == "4" && e[2].Contains("never closed"));
        Assert.Equal(2, Long(await c.ListAsync(list), "records"));
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_fail_with_advice_and_windows_1252_reads_them()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var bytes = Encoding.Latin1.GetBytes("client_id,first_name,phone1\nA,Ren\u00e9e,4155550001\n");
        var accepted = await HttpAssert.Json(await c.UploadAsync(list, bytes), HttpStatusCode.Accepted);
        var failed = await c.WaitAsync(list, accepted.GetProperty("id").GetGuid());
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("not valid utf-8", failed.GetProperty("error").GetString());

        var ok = await HttpAssert.Json(await c.UploadAsync(list, bytes, spec: new { format = new { encoding = "windows-1252" } }), HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await c.WaitAsync(list, ok.GetProperty("id").GetGuid())).GetProperty("state").GetString());
        Assert.Equal("Ren\u00e9e", (await c.RecordsAsync(list)).Single().GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task The_wrong_delimiter_fails_with_a_hint()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, "client_id,phone1\nA,4155550001\n", spec: new { format = new { delimiter = "tab" } });
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("delimiter", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_ten_megabyte_line_is_a_row_error_not_a_crash()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync(new { name = "big", spec = new { rejectThresholdPercent = 60 } });
        var status = await c.ImportAsync(list, "client_id,first_name,phone1\nA," + new string('x', 10 * 1024 * 1024) + ",4155550001\nB,Bee,4155550002\n");
        ListClient.Succeeded(status);
        Assert.Equal(1, Long(status, "rejected"));
        Assert.Contains(await c.ErrorsAsync(list, status.GetProperty("id").GetGuid()), e => e[1] == "first_name" && e[2].Contains("characters"));
    }

    [Fact]
    public async Task Hostile_and_odd_headers_are_safe()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var extra = string.Join(",", Enumerable.Range(1, 96).Select(i => $"col{i}"));
        var values = string.Join(",", Enumerable.Range(1, 96).Select(i => $"v{i}"));
        // As any CSV writer escapes them: the hostile text is the value, the quoting is ordinary.
        var status = await c.ImportAsync(list, $"client_id,phone1,first_name,\"name\"\"; DROP TABLE contact_lists;--\",,{extra}\nA,4155550001,\"=HYPERLINK(\"\"http://x\"\")\",drop,ignored,{values}\n");

        ListClient.Succeeded(status);
        Assert.Contains(status.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("empty header"));
        var record = Assert.Single(await c.RecordsAsync(list));
        Assert.Equal("v96", record.GetProperty("custom").GetProperty("col96").GetString());
        Assert.Equal("=HYPERLINK(\"http://x\")", record.GetProperty("firstName").GetString());
        Assert.Equal("drop", record.GetProperty("custom").GetProperty("name\";_drop_table_contact_lists;__").GetString());
        await HttpAssert.Json(await c.Http.GetAsync("/api/v1/contact-lists"), HttpStatusCode.OK); // the registry is still there

        var export = await (await c.Http.GetAsync($"/api/v1/contact-lists/{list}/export")).Content.ReadAsStringAsync();
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", export);
        Assert.DoesNotContain(",=HYPERLINK", export);
        Assert.Contains(",+14155550001,", export); // a phone number is data, not a formula
    }

    [Fact]
    public async Task A_stray_quote_in_the_header_fails_the_import_clearly()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, "client_id,phone1,name\"; DROP TABLE x;--\nA,4155550001,x\n");
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("never closed", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Duplicate_headers_without_a_spec_fail_by_name()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var status = await c.ImportAsync(list, "client_id,phone1,phone1\nA,4155550001,4155550002\n");
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("appears twice", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Phone_formats_normalise_to_e164()
    {
        var c = await TenantAsync();
        var us = await c.CreateListAsync();
        var status = await c.ImportAsync(us, "client_id,phone1\nA,+1 (415) 555-2671\nB,415.555.2671\nC,1-415-555-2671\n");
        Assert.Equal(3, Long(status, "accepted"));
        Assert.All(await c.RecordsAsync(us), r => Assert.Equal("+14155552671", r.GetProperty("devices")[0].GetProperty("number").GetString()));

        var gb = await c.CreateListAsync(new { name = "uk", defaultCountry = "GB" });
        status = await c.ImportAsync(gb, "client_id,phone1\nA,0044 20 7946 0000\nB,020 7946 0000\n");
        Assert.Equal(2, Long(status, "accepted"));
        Assert.All(await c.RecordsAsync(gb), r => Assert.Equal("+442079460000", r.GetProperty("devices")[0].GetProperty("number").GetString()));
    }

    [Fact]
    public async Task Invalid_numbers_are_rejected_with_a_reason()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync(new { name = "bad numbers", spec = new { rejectThresholdPercent = 100 } });
        var status = await c.ImportAsync(list, "client_id,phone1\nshort,41555\nlong,4155552671123456\nunassigned,1115552671\npremium,19005552671\n");
        Assert.Equal(4, Long(status, "rejected"));
        var errors = await c.ErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e[2].Contains("premium", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Bad_specs_and_modes_are_refused_at_the_edge_naming_the_field()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await HttpAssert.FieldError(await c.UploadAsync(list, "a\n1\n", mode: "merge"), "mode");
        await HttpAssert.FieldError(await c.UploadAsync(list, "a\n1\n", spec: new { format = new { delimiter = "#" } }), "spec.format.delimiter");
        await HttpAssert.FieldError(await c.UploadAsync(list, "a\n1\n", spec: new { columns = new[] { new { source = "a", field = "phone11" } } }), "spec.columns[0].field");
        await HttpAssert.FieldError(await c.UploadAsync(list, "a\n1\n", spec: "{not json"), "spec");
        await HttpAssert.FieldError(await c.UploadAsync(list, "a\n1\n", spec: new { selection = new { field = "region", op = "like", value = "x" } }), "spec.selection.op");

        var noFile = new MultipartFormDataContent { { new StringContent("append"), "mode" } };
        await HttpAssert.FieldError(await c.Http.PostAsync($"/api/v1/contact-lists/{list}/imports", noFile), "file");
        await HttpAssert.Problem(await c.Http.PostAsync($"/api/v1/contact-lists/{list}/imports", new StringContent("x")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Lists_belong_to_their_tenant_and_deleting_drops_the_records()
    {
        var c = await TenantAsync();
        var other = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.ImportAsync(list, "client_id,phone1\nA,4155550001\n");

        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/contact-lists/{list}"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.Http.GetAsync($"/api/v1/contact-lists/{list}/records"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await other.UploadAsync(list, "client_id\nX\n"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await c.Http.DeleteAsync($"/api/v1/contact-lists/{list}")).StatusCode);
        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/contact-lists/{list}"), HttpStatusCode.NotFound);
        await using var db = NpgsqlDataSource.Create(api.Postgres);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM contact_records WHERE list_id = @l");
        cmd.Parameters.AddWithValue("l", list);
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Lists_are_renamed_and_validated()
    {
        var c = await TenantAsync();
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/contact-lists", new { name = "" }), "name");
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/contact-lists", new { name = "x", defaultTimeZone = "Nowhere/Land" }), "defaultTimeZone");
        await HttpAssert.FieldError(await c.Http.PostJson("/api/v1/contact-lists", new { name = "x", spec = new { dedupe = "email" } }), "spec.dedupe");
        var list = await c.CreateListAsync(new { name = "Before" });
        var renamed = await HttpAssert.Json(await c.Http.PatchAsync($"/api/v1/contact-lists/{list}",
            new StringContent("""{"name":"After","description":"Q4 renewals"}""", Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        Assert.Equal("After", renamed.GetProperty("name").GetString());
        var all = await HttpAssert.Json(await c.Http.GetAsync("/api/v1/contact-lists"), HttpStatusCode.OK);
        Assert.Contains(all.EnumerateArray(), l => l.GetProperty("name").GetString() == "After");
    }

    [Fact]
    public async Task An_import_whose_silo_died_is_resumed_and_one_that_keeps_dying_is_failed()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        var tenant = (await HttpAssert.Json(await c.Http.GetAsync("/api/v1/me"), HttpStatusCode.OK)).GetProperty("tenant").GetProperty("id").GetGuid();
        var landing = Path.Combine(api.LandingDirectory, tenant.ToString("N"));
        Directory.CreateDirectory(landing);

        async Task<Guid> Orphan(int attempts)
        {
            var file = Path.Combine(landing, Guid.NewGuid().ToString("N") + ".upload");
            await File.WriteAllTextAsync(file, "client_id,phone1\nA,4155550001\n");
            var id = Guid.CreateVersion7();
            await using var db = NpgsqlDataSource.Create(api.Postgres);
            // What a silo killed mid-import leaves behind: 'running', a stale heartbeat, half-written work elsewhere.
            await using var cmd = db.CreateCommand("""
                INSERT INTO list_imports (tenant_id, import_id, list_id, state, phase, mode, spec, file_path, attempts, started_at, heartbeat_at)
                VALUES (@t, @i, @l, 'running', 'reading', 'append', '{}', @f, @a, now() - interval '5 minutes', now() - interval '5 minutes')
                """);
            cmd.Parameters.AddWithValue("t", tenant);
            cmd.Parameters.AddWithValue("i", id);
            cmd.Parameters.AddWithValue("l", list);
            cmd.Parameters.AddWithValue("f", file);
            cmd.Parameters.AddWithValue("a", attempts);
            await cmd.ExecuteNonQueryAsync();
            return id;
        }

        var resumed = await c.WaitAsync(list, await Orphan(1));
        ListClient.Succeeded(resumed);
        Assert.Equal(1, Long(await c.ListAsync(list), "records"));

        var abandoned = await c.WaitAsync(list, await Orphan(3));
        Assert.Equal("failed", abandoned.GetProperty("state").GetString());
        Assert.Contains("interrupted", abandoned.GetProperty("error").GetString());
        Assert.Equal(1, Long(await c.ListAsync(list), "records"));
    }

    [Fact]
    public async Task Export_streams_normalised_fields_and_attempt_status()
    {
        var c = await TenantAsync();
        var list = await c.CreateListAsync();
        await c.ImportAsync(list, "client_id,first_name,phone1,email1\nA,@dmin,4155550001,a@example.com\n");
        var response = await c.Http.GetAsync($"/api/v1/contact-lists/{list}/export");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "text/csv", await response.Content.ReadAsStringAsync());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = ListClient.SplitCsv(lines[0]);
        var row = ListClient.SplitCsv(lines[1]);
        string Cell(string name) => row[Array.IndexOf(header, name)];
        Assert.Equal("A", Cell("client_id"));
        Assert.Equal("'@dmin", Cell("first_name"));
        Assert.Equal("+14155550001", Cell("phone1"));
        Assert.Equal("0", Cell("attempts"));
        Assert.Contains("last_attempt_at", header);
    }
}
