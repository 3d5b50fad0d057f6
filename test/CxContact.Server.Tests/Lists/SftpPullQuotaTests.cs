using System.Net;
using System.Net.Http.Json;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// A pull from SFTP is held to the tenant's landing quota as an upload is (issue 16 §2): a remote file that would take
/// the tenant over it fails the import with the quota's reason and numbers, leaves the list as it was and nothing on
/// the landing directory; a pull asked for while the quota is full is refused with the upload's 413.
/// </summary>
public sealed class SftpPullQuotaTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static LocalSftp Sftp => LocalSftp.Shared;

    /// <summary>A tenant whose landing quota is 1 MB, with an SFTP connection to the local server.</summary>
    private async Task<(Guid Tenant, ListClient Client, Guid Connection)> TenantAsync()
    {
        var t = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Quota " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var tenant = t.GetProperty("tenant").GetProperty("id").GetGuid();
        await HttpAssert.Json(await api.Admin().PutAsJsonAsync($"/api/v1/tenants/{tenant}/limits", new { landingQuotaMb = 1 }), HttpStatusCode.OK);
        var client = new ListClient(api.Client(t.GetProperty("adminKey").GetProperty("key").GetString()!));
        return (tenant, client, await client.Http.CreateSftpConnectionAsync());
    }

    private static Task<HttpResponseMessage> PullAsync(ListClient c, Guid list, Guid connection, string name, string mode = "append") =>
        c.Http.PostJson($"/api/v1/contact-lists/{list}/imports", new { source = new { sftpConnectionId = connection, remotePath = name }, mode });

    [Fact]
    public async Task A_pull_larger_than_the_landing_quota_fails_with_the_reason_and_leaves_the_list_and_the_landing_directory_as_they_were()
    {
        var (tenant, c, connection) = await TenantAsync();
        var small = $"small-{Guid.NewGuid():N}.csv";
        var big = $"big-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, small), "client_id,phone1\nA,4155550001\nB,4155550002\n");
        // ~1.6 MB: within the upload cap, over the 1 MB quota.
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, big),
            "client_id,phone1\n" + string.Concat(Enumerable.Range(0, 75_000).Select(i => $"C{i},+1415{2_000_000 + i:D7}\n")));
        try
        {
            var list = await c.CreateListAsync();

            // The control: a file within the quota is pulled and imported.
            var first = await HttpAssert.Json(await PullAsync(c, list, connection, small), HttpStatusCode.Accepted);
            ListClient.Succeeded(await c.WaitAsync(list, first.GetProperty("id").GetGuid()));
            var before = (await c.RecordsAsync(list)).Select(r => r.GetProperty("clientId").GetString()).Order().ToList();
            Assert.Equal(["A", "B"], before);

            // A replace that would have emptied the list, had it been let in.
            var accepted = await HttpAssert.Json(await PullAsync(c, list, connection, big, mode: "replace"), HttpStatusCode.Accepted);
            var status = await c.WaitAsync(list, accepted.GetProperty("id").GetGuid());

            Assert.Equal("failed", status.GetProperty("state").GetString());
            var error = status.GetProperty("error").GetString()!;
            Assert.Contains("landing quota", error);
            Assert.Contains("take 0 MB of 1 MB", error);
            Assert.Contains(big, error);
            Assert.Equal(before, (await c.RecordsAsync(list)).Select(r => r.GetProperty("clientId").GetString()).Order().ToList());
            Assert.Equal(2, (await c.ListAsync(list)).GetProperty("records").GetInt64());
            var tenantDir = Path.Combine(api.LandingDirectory, tenant.ToString("N"));
            Assert.Empty(Directory.Exists(tenantDir) ? Directory.EnumerateFiles(tenantDir, "*", SearchOption.AllDirectories) : []);
        }
        finally
        {
            File.Delete(Path.Combine(Sftp.Root, small));
            File.Delete(Path.Combine(Sftp.Root, big));
        }
    }

    [Fact]
    public async Task A_pull_asked_for_while_the_quota_is_full_is_refused_as_an_upload_is()
    {
        var (tenant, c, connection) = await TenantAsync();
        var list = await c.CreateListAsync();
        var suppression = await new Suppression.SuppressionClient(c.Http).CreateListAsync();
        // Another file of the tenant's already takes its whole 1 MB.
        var tenantDir = Directory.CreateDirectory(Path.Combine(api.LandingDirectory, tenant.ToString("N"))).FullName;
        var waiting = Path.Combine(tenantDir, "waiting.upload");
        await File.WriteAllBytesAsync(waiting, new byte[1024 * 1024]);

        foreach (var url in new[] { $"/api/v1/contact-lists/{list}/imports", $"/api/v1/suppression-lists/{suppression}/imports" })
        {
            var full = await HttpAssert.Problem(await c.Http.PostJson(url, new { source = new { sftpConnectionId = connection, remotePath = "any.csv" } }),
                HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("landing-quota", full.GetProperty("reason").GetString());
            Assert.Equal(1024 * 1024, full.GetProperty("landingQuotaBytes").GetInt64());
            Assert.Equal(1024 * 1024, full.GetProperty("landingBytesInUse").GetInt64());
            Assert.Contains("take 1 MB of 1 MB", full.GetProperty("detail").GetString());
            Assert.Empty((await HttpAssert.Json(await c.Http.GetAsync(url), HttpStatusCode.OK)).EnumerateArray());
        }
        Assert.Equal([waiting], Directory.GetFiles(tenantDir));
    }
}
