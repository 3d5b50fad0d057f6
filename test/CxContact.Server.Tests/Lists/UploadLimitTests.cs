using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Lists;

/// <summary>CXC_MAX_UPLOAD_MB bounds an upload; a larger one is refused with 413 and leaves nothing behind.</summary>
public sealed class UploadLimitTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new ApiFactory().With("CXC_MAX_UPLOAD_MB", "1");

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_and_not_kept()
    {
        var tenant = await HttpAssert.Json(await _api.Admin().PostJson("/api/v1/tenants", new { name = "Limits" }), HttpStatusCode.Created);
        var c = new ListClient(_api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        var list = await c.CreateListAsync();

        var big = new byte[2 * 1024 * 1024];
        Array.Fill(big, (byte)'x');
        var problem = await HttpAssert.Problem(await c.UploadAsync(list, big), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1 MB", problem.GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFiles(_api.LandingDirectory, "*", SearchOption.AllDirectories));

        ListClient.Succeeded(await c.ImportAsync(list, "client_id,phone1\nA,4155550001\n"));
    }
}
