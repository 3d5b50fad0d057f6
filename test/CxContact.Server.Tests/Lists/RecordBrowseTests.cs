using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// Finding records over HTTP: GET …/records?search= matches a client id, phone or email exactly (an email in any case)
/// or the start of a name, with LIKE's own characters taken literally; paging by key carries the search; the list of
/// lists carries each list's counts.
/// </summary>
public sealed class RecordBrowseTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_search_finds_records_by_id_phone_email_or_name_and_pages_with_it()
    {
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Browse " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var c = new ListClient(api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        var list = await c.CreateListAsync();
        ListClient.Succeeded(await c.ImportAsync(list, """
            client_id,first_name,last_name,phone1,email1
            A1,Anna,Smith,+12125550101,Anna.Smith@Example.com
            A2,Annabel,Jones,+12125550102,
            A3,Bob,Annan,+12125550103,
            A4,Zed,100%_sure,+12125550104,
            """));

        async Task<List<string>> FindAsync(string search, int limit = 100, Guid? after = null)
        {
            var url = $"/api/v1/contact-lists/{list}/records?limit={limit}&search={Uri.EscapeDataString(search)}" + (after is null ? "" : $"&after={after}");
            var page = await HttpAssert.Json(await c.Http.GetAsync(url), HttpStatusCode.OK);
            return [.. page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("clientId").GetString()!)];
        }

        Assert.Equal(["A2"], await FindAsync("A2"));
        Assert.Equal(["A3"], await FindAsync("+12125550103"));
        Assert.Equal(["A1"], await FindAsync("anna.smith@example.com"));
        Assert.Equal(["A1", "A2", "A3"], (await FindAsync("ann")).Order());
        Assert.Equal(["A4"], await FindAsync("100%_"));
        Assert.Empty(await FindAsync("100%x"));

        var first = await HttpAssert.Json(await c.Http.GetAsync($"/api/v1/contact-lists/{list}/records?limit=2&search=ann"), HttpStatusCode.OK);
        var next = first.GetProperty("next").GetGuid();
        Assert.Single(await FindAsync("ann", 2, next));

        await HttpAssert.Problem(await c.Http.GetAsync($"/api/v1/contact-lists/{list}/records?search={new string('x', 201)}"), HttpStatusCode.BadRequest);

        var lists = await HttpAssert.Json(await c.Http.GetAsync("/api/v1/contact-lists"), HttpStatusCode.OK);
        var item = Assert.Single(lists.EnumerateArray());
        Assert.Equal((4L, 4L), (item.GetProperty("records").GetInt64(), item.GetProperty("devices").GetInt64()));
    }
}
