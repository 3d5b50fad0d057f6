using System.Net;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Lists;

/// <summary>An import pulled from a real OpenSSH sftp server through a saved connection, as a job.</summary>
public sealed class SftpImportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static LocalSftp Sftp => LocalSftp.Shared;

    private async Task<(ListClient Client, Guid Connection)> SetUpAsync(int? port = null)
    {
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Pull " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var client = new ListClient(api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!));
        var connection = await client.Http.CreateSftpConnectionAsync(port);
        return (client, connection);
    }

    [Fact]
    public async Task A_file_on_the_sftp_server_is_pulled_and_imported()
    {
        var (c, connection) = await SetUpAsync();
        var name = $"pull-{Guid.NewGuid():N}.csv";
        await File.WriteAllTextAsync(Path.Combine(Sftp.Root, name), "client_id,phone1\nA,4155550001\nB,4155550002\n");
        var list = await c.CreateListAsync();

        var accepted = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports",
            new { source = new { sftpConnectionId = connection, remotePath = name }, mode = "replace" }), HttpStatusCode.Accepted);
        var status = await c.WaitAsync(list, accepted.GetProperty("id").GetGuid());

        ListClient.Succeeded(status);
        Assert.Equal(name, status.GetProperty("fileName").GetString());
        Assert.True(status.GetProperty("fileBytes").GetInt64() > 0);
        Assert.Equal(2, (await c.ListAsync(list)).GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task A_missing_remote_file_fails_the_import_with_the_reason()
    {
        var (c, connection) = await SetUpAsync();
        var list = await c.CreateListAsync();
        var accepted = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports",
            new { source = new { sftpConnectionId = connection, remotePath = "no-such-file.csv" } }), HttpStatusCode.Accepted);
        var status = await c.WaitAsync(list, accepted.GetProperty("id").GetGuid());
        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Contains("no-such-file.csv", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Pull_requests_are_validated_at_the_edge()
    {
        var (c, _) = await SetUpAsync();
        var list = await c.CreateListAsync();
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports", new { source = new { remotePath = "x.csv" } }), "source.sftpConnectionId");
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports",
            new { source = new { sftpConnectionId = Guid.CreateVersion7(), remotePath = "x.csv" } }), "source.sftpConnectionId");
        var (_, connection) = await SetUpAsync();
        // Another tenant's connection is not this tenant's to use.
        await HttpAssert.FieldError(await c.Http.PostJson($"/api/v1/contact-lists/{list}/imports",
            new { source = new { sftpConnectionId = connection, remotePath = "x.csv" } }), "source.sftpConnectionId");
        await HttpAssert.FieldError(await c.Http.PostRaw($"/api/v1/contact-lists/{list}/imports", """{"source": {"remotePath": 5}}"""), "source.remotePath");
    }
}
