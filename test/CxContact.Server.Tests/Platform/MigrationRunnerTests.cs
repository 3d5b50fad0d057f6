using CxContact.Server.Platform.Migrations;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

public sealed class MigrationRunnerTests
{
    [Fact]
    public async Task Many_silos_starting_at_once_apply_each_migration_exactly_once()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("migrate_race");
        await using var db = NpgsqlDataSource.Create(postgres);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new MigrationRunner(db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All))));

        // Exactly one runner applied each migration; the others found it done.
        Assert.Equal(MigrationCatalog.All.Select(m => m.Version), results.SelectMany(r => r).Select(m => m.Version).Order());
        await using var cmd = db.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)MigrationCatalog.All.Count, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_the_start_by_name()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("migrate_edit");
        await using var db = NpgsqlDataSource.Create(postgres);
        await new MigrationRunner(db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All);

        var edited = MigrationCatalog.All.Select(m => m.Version == 4 ? m with { Checksum = "edited" } : m).ToList();
        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(db, NullLogger.Instance).ApplyAsync(edited));
        Assert.Contains("0004_tenancy", e.Message);
    }

    [Fact]
    public async Task A_failing_migration_is_named_and_leaves_nothing_half_done()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("migrate_fail");
        await using var db = NpgsqlDataSource.Create(postgres);
        var broken = new Migration(9999, "broken", "CREATE TABLE half_done (id int); SELECT * FROM no_such_table;", "x");

        var e = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(db, NullLogger.Instance).ApplyAsync([.. MigrationCatalog.All, broken]));

        Assert.Contains("9999_broken", e.Message);
        Assert.Contains("no_such_table", e.Message);
        await using var cmd = db.CreateCommand("SELECT to_regclass('half_done') IS NULL AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 9999)");
        Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Every_embedded_migration_has_a_version_and_name()
    {
        Assert.True(MigrationCatalog.All.Count >= 4);
        Assert.Equal(MigrationCatalog.All.Select(m => m.Version).Distinct().Count(), MigrationCatalog.All.Count);
        Assert.Contains(MigrationCatalog.All, m => m.Name == "tenancy");
    }
}
