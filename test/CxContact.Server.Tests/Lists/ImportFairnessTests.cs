using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Migrations;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// The import queue on a database of its own (no workers racing the test): a tenant with 50 queued imports does not
/// hold another tenant's first one, and no tenant runs more than its limit at once; a finished job frees its place.
/// </summary>
public sealed class ImportFairnessTests
{
    [Fact]
    public async Task Another_tenants_first_import_goes_before_a_busy_tenants_second_and_the_limit_holds()
    {
        await using var db = NpgsqlDataSource.Create(await LocalPostgres.CreateDatabaseAsync("fair"));
        await new MigrationRunner(db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All);
        Guid busy = Guid.CreateVersion7(), quiet = Guid.CreateVersion7();
        foreach (var (id, name) in new[] { (busy, "Busy"), (quiet, "Quiet") })
            await ExecAsync(db, "INSERT INTO tenants (tenant_id, name) VALUES (@a, @b)", id, name);
        var store = new ImportJobStore(db) { RunningPerTenant = 2 };

        async Task<Guid> QueueAsync(Guid tenant)
        {
            var list = Guid.CreateVersion7();
            await ExecAsync(db, "INSERT INTO contact_lists (tenant_id, list_id, name) VALUES (@a, @b, 'l' || @b::text)", tenant, list);
            var (job, _) = await store.EnqueueAsync(tenant, list, "append", "{}", "/nowhere.csv", "f.csv", 1, null, CancellationToken.None);
            return job.ImportId;
        }
        var busyJobs = new List<Guid>();
        for (var i = 0; i < 50; i++) busyJobs.Add(await QueueAsync(busy));
        var quietJob = await QueueAsync(quiet);

        var first = await store.ClaimAsync("w1", CancellationToken.None);
        var second = await store.ClaimAsync("w2", CancellationToken.None);
        var third = await store.ClaimAsync("w3", CancellationToken.None);
        Assert.Equal(busyJobs[0], first!.ImportId);
        Assert.Equal(quietJob, second!.ImportId);
        Assert.Equal(busyJobs[1], third!.ImportId);
        // Two of the busy tenant's run: its third waits, though workers are free.
        Assert.Null(await store.ClaimAsync("w4", CancellationToken.None));

        await ExecAsync(db, "UPDATE list_imports SET state = 'succeeded', finished_at = now() WHERE import_id = @a", first.ImportId, null);
        Assert.Equal(busyJobs[2], (await store.ClaimAsync("w4", CancellationToken.None))!.ImportId);
        Assert.Null(await store.ClaimAsync("w5", CancellationToken.None));

        // A system admin gives the busy tenant three at once (its own limit): one more of its imports starts, and no more.
        await ExecAsync(db, "INSERT INTO tenant_limits (tenant_id, imports_at_once, updated_at) VALUES (@a, @b, now())", busy, 3);
        Assert.Equal(busyJobs[3], (await store.ClaimAsync("w5", CancellationToken.None))!.ImportId);
        Assert.Null(await store.ClaimAsync("w6", CancellationToken.None));
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, Guid a, object? b)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("a", a);
        if (b is not null) cmd.Parameters.AddWithValue("b", b);
        await cmd.ExecuteNonQueryAsync();
    }
}
