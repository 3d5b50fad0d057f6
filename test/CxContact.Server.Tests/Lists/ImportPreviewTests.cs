using CxContact.Server.Jobs.Files;
using System.Net;
using System.Text;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// POST …/imports/preview: the import's own reading of a file's head, over HTTP. It says what each column feeds, shows
/// the first rows, and which of the first 1,000 rows would be rejected and why; it writes nothing, and a spec or file
/// the import would refuse is refused the same way, naming the field.
/// </summary>
public sealed class ImportPreviewTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_head_of_a_file_is_read_as_the_import_would_and_nothing_is_written()
    {
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Preview " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var c = new ListClient(api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        var list = await c.CreateListAsync();
        const string csv = "Account,Mobile,Balance,Region\nA1,+12125550101,12.50,NY\nA2,not a phone,3,NY\nA3,+12125550103,lots,CA\nA4,+12125550104,4,CA\n";
        var spec = new
        {
            columns = new object[]
            {
                new { source = "Account", field = "client_id" }, new { source = "Mobile", field = "phone1", deviceType = "mobile" },
                new { source = "Balance", field = "custom", name = "balance", type = "number" }, new { source = "Region", field = "region" },
            },
            selection = new { field = "region", op = "=", value = "NY" },
        };

        var preview = await HttpAssert.Json(await c.PreviewAsync(list, csv, spec: spec), HttpStatusCode.OK);
        Assert.Equal(["Account", "Mobile", "Balance", "Region"], preview.GetProperty("header").EnumerateArray().Select(h => h.GetString()));
        var columns = preview.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(("phone1", "mobile"), (columns[1].GetProperty("field").GetString(), columns[1].GetProperty("deviceType").GetString()));
        Assert.Equal(("custom", "balance", "number"), (columns[2].GetProperty("field").GetString(), columns[2].GetProperty("customName").GetString(),
            columns[2].GetProperty("customType").GetString()));
        var first = preview.GetProperty("rows")[0];
        Assert.Equal((2, "A1"), (first.GetProperty("row").GetInt32(), first.GetProperty("cells")[0].GetString()));
        // A1 is kept; A2's phone and A3's balance reject them; A4 is left out by the selection.
        Assert.Equal((4L, 1L, 2L, 1L), (preview.GetProperty("rowsRead").GetInt64(), preview.GetProperty("accepted").GetInt64(),
            preview.GetProperty("rejected").GetInt64(), preview.GetProperty("excluded").GetInt64()));
        var errors = preview.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString(), e.GetProperty("severity").GetString())).ToList();
        Assert.Equal([(3, "Mobile", "reject"), (4, "Balance", "reject")], errors);
        Assert.False(preview.GetProperty("moreRows").GetBoolean());
        Assert.Equal(0, (await c.ListAsync(list)).GetProperty("records").GetInt64());

        // Only the first 1,000 rows are read, and the answer says the file goes on.
        var big = new StringBuilder("client_id,phone1\n");
        for (var i = 0; i < 1500; i++) big.Append($"C{i},+1212555{i % 10000:0000}\n");
        var head = await HttpAssert.Json(await c.PreviewAsync(list, big.ToString()), HttpStatusCode.OK);
        Assert.Equal((1000L, true, 20), (head.GetProperty("rowsRead").GetInt64(), head.GetProperty("moreRows").GetBoolean(), head.GetProperty("rows").GetArrayLength()));

        // What the import would refuse, the preview refuses the same way.
        var badSpec = await HttpAssert.Problem(await c.PreviewAsync(list, csv, spec: new { columns = new[] { new { source = "Account", field = "acount" } } }),
            HttpStatusCode.BadRequest);
        Assert.True(badSpec.GetProperty("errors").TryGetProperty("spec.columns[0].field", out _), badSpec.ToString());
        var missing = await HttpAssert.Problem(await c.PreviewAsync(list, csv, spec: new { columns = new[] { new { source = "Phone", field = "phone1" } } }),
            HttpStatusCode.BadRequest);
        Assert.Contains("Phone", missing.GetProperty("errors").ToString());
        var delimiter = await HttpAssert.Problem(await c.PreviewAsync(list, "a;b;c\n1;2;3\n"), HttpStatusCode.BadRequest);
        Assert.True(delimiter.GetProperty("errors").TryGetProperty("file", out _), delimiter.ToString());
        await HttpAssert.Problem(await c.PreviewAsync(Guid.NewGuid(), csv), HttpStatusCode.NotFound);
    }

    /// <summary>Files that would take the import's memory are refused early, naming the line or row.</summary>
    [Fact]
    public async Task A_line_over_12_M_characters_and_a_header_of_1500_columns_are_refused_by_name()
    {
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Caps " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var c = new ListClient(api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        var list = await c.CreateListAsync();
        var longLine = "client_id,phone1\nA," + new string('9', LineLengthGuard.MaxLineChars + 1) + "\n";
        var line = await HttpAssert.Problem(await c.PreviewAsync(list, longLine), HttpStatusCode.BadRequest);
        Assert.Contains("line 2 of the file is longer than 12,582,912 characters", line.GetProperty("errors").GetProperty("file")[0].GetString());

        var wide = string.Join(",", Enumerable.Range(1, 1500).Select(i => $"c{i}")) + "\n" + string.Join(",", Enumerable.Range(1, 1500).Select(_ => "x")) + "\n";
        var columns = await HttpAssert.Problem(await c.PreviewAsync(list, wide), HttpStatusCode.BadRequest);
        Assert.Contains("row 1 has 1,500 columns; at most 1,000", columns.GetProperty("errors").GetProperty("file")[0].GetString());

        // The import itself fails the same way and leaves the list as it was.
        var failed = await c.ImportAsync(list, wide);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("1,500 columns", failed.GetProperty("error").GetString());
        Assert.Equal(0, (await c.ListAsync(list)).GetProperty("records").GetInt64());
    }
}
