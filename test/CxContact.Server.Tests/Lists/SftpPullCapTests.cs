using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// A pull from SFTP is held to the upload cap (CXC_MAX_UPLOAD_MB): a larger remote file fails the import at once,
/// saying how large it is and what the cap is, leaves nothing in the landing directory and the list as it was.
/// </summary>
public sealed class SftpPullCapTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new ApiFactory().With("CXC_MAX_UPLOAD_MB", "1");

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task A_remote_file_over_the_cap_fails_the_pull_and_leaves_nothing()
    {
        var created = await HttpAssert.Json(await _api.Admin().PostJson("/api/v1/tenants", new { name = "Cap " + Guid.NewGuid().ToString("N")[..8] }),
            HttpStatusCode.Created);
        var c = new ListClient(_api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
        var connection = await c.Http.CreateSftpConnectionAsync();
        var name = $"big-{Guid.NewGuid():N}.csv";
        var rows = string.Concat(Enumerable.Range(0, 60_000).Select(i => $"C{i},+1415{2_000_000 + i:D7}\n"));
        await File.WriteAllTextAsync(Path.Combine(LocalSftp.Shared.Root, name), "client_id,phone1\n" + rows);
        try
        {
            var list = await c.CreateListAsync();
            var accepted = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports",
                new { source = new { sftpConnectionId = connection, remotePath = name } }), HttpStatusCode.Accepted);
            var status = await c.WaitAsync(list, accepted.GetProperty("id").GetGuid());

            Assert.Equal("failed", status.GetProperty("state").GetString());
            Assert.Contains("a pull brings at most 1 MB", status.GetProperty("error").GetString());
            Assert.Equal(0, (await c.ListAsync(list)).GetProperty("records").GetInt64());
            Assert.DoesNotContain(Directory.EnumerateFiles(_api.LandingDirectory, "*", SearchOption.AllDirectories), f => f.EndsWith(".partial"));
        }
        finally { File.Delete(Path.Combine(LocalSftp.Shared.Root, name)); }
    }
}
