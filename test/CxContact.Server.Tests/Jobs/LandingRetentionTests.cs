using System.Net;
using CxContact.Server.Jobs;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Lists;
using Microsoft.Extensions.DependencyInjection;

namespace CxContact.Server.Tests.Jobs;

/// <summary>
/// The landing directory does not fill up: a sweep deletes an old upload no import names (finished, failed or
/// abandoned) and a transfer's leftover, keeps a file still being written, and never touches the landing root, where
/// an operator's bootstrap key file lives. The file of an import that succeeded is already gone.
/// </summary>
public sealed class LandingRetentionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Old_files_no_import_names_are_swept_and_the_rest_are_kept()
    {
        var tenant = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Sweep " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var c = new ListClient(api.Client(tenant.GetProperty("adminKey").GetProperty("key").GetString()!));
        var list = await c.CreateListAsync();
        ListClient.Succeeded(await c.ImportAsync(list, "client_id,phone1\nA,4155550001\n"));

        var dir = Directory.CreateDirectory(Path.Combine(api.LandingDirectory, tenant.GetProperty("tenant").GetProperty("id").GetGuid().ToString("N"))).FullName;
        var old = Path.Combine(dir, "abandoned.upload");
        var leftover = Path.Combine(dir, "gone.sftp.0195f0e40000700080000000000000aa.partial");
        var fresh = Path.Combine(dir, "arriving.upload");
        var rootFile = Path.Combine(api.LandingDirectory, "operator-note");
        foreach (var f in new[] { old, leftover, fresh, rootFile }) await File.WriteAllTextAsync(f, "x");
        foreach (var f in new[] { old, leftover, rootFile }) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-3));

        var deleted = await api.Services.GetRequiredService<LandingRetention>().SweepAsync(DateTime.UtcNow - LandingRetention.Grace, CancellationToken.None);

        Assert.True(deleted >= 2, $"{deleted} deleted");
        Assert.False(File.Exists(old));
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(rootFile));
        Assert.Equal(["arriving.upload"], Directory.EnumerateFiles(dir).Select(Path.GetFileName));
    }
}
