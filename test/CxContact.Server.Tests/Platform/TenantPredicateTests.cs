using System.Text.RegularExpressions;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Defence in depth for tenancy: every SQL statement in the server that reads or writes a table holding tenant data
/// (a table with a tenant_id column, found in the migrations) names tenant_id, so a bug that passes another tenant's
/// row id reaches nothing. The few statements that may not are listed below, each with the reason: platform workers
/// that serve every tenant by design (queues, sweeps, the bootstrap). A new statement without the predicate fails
/// here until it has one or a reason.
/// </summary>
public sealed partial class TenantPredicateTests
{
    /// <summary>(file name, the statement's first words) → why it may go without the tenant predicate.</summary>
    private static readonly Dictionary<(string File, string Start), string> AcrossTenants = new()
    {
        [("KeyBootstrap.cs", "SELECT count(*) FROM api_keys WHERE role = 'system-admin'")] =
            "the bootstrap asks whether any system admin exists at all, before any tenant's key is used",
        [("LandingRetention.cs", "SELECT file_path FROM list_imports")] =
            "the retention sweep keeps every tenant's queued and running files on the shared landing volume",
        [("MessagingGatewayStore.cs", "SELECT {Columns}, callback_hash FROM messaging_g")] =
            "a gateway's callback (Kannel's delivery reports and inbound texts) names no tenant: the gateway id and its secret find it, and its tenant scopes what follows",
        [("PreloadQuery.cs", "SELECT DISTINCT coalesce(d.zones, ''), coalesce(")] =
            "the preload's pass over every device reads the campaign's lists by id after EnsureTheTenantsListsAsync checked each is the tenant's: a per-row tenant test costs the pass 40 %",
    };

    // A table's body ends at the ")" that starts a line, whatever follows it (a partitioned table's "PARTITION BY …").
    [GeneratedRegex(@"CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?(\w+)\s*\((.*?)\n\)[^;\n]*;", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex("\\$*\"\"\"(.*?)\"\"\"|\\$*@?\"((?:[^\"\\\\\\n]|\\\\.)*)\"", RegexOptions.Singleline)]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b(select|update|insert|delete|copy)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqlVerb();

    private static HashSet<string> TenantTables()
    {
        var tables = new HashSet<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "CxContact.Server", "Sql"), "*.sql"))
            foreach (Match m in CreateTable().Matches(File.ReadAllText(file)))
                if (Regex.IsMatch(m.Groups[2].Value, @"\btenant_id\b")) tables.Add(m.Groups[1].Value);
        return tables;
    }

    [Fact]
    public void Every_statement_on_tenant_data_names_the_tenant_or_says_why_not()
    {
        var tables = TenantTables();
        // The scan of the migrations works, partitioned tables and the tables after them included.
        Assert.Contains("contact_records", tables);
        Assert.Contains("list_imports", tables);
        Assert.Contains("suppression_entries", tables);
        var missing = new List<string>();
        var excused = new HashSet<(string, string)>();
        var statements = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "CxContact.Server"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            foreach (Match m in StringLiteral().Matches(File.ReadAllText(file)))
            {
                var sql = (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Trim();
                // The import queue names its table through a placeholder: list_imports or suppression_imports, both tenant data.
                if (Path.GetFileName(file) == "ImportQueue.cs") sql = sql.Replace("{table}", "list_imports");
                if (!SqlVerb().IsMatch(sql)) continue;
                var touches = tables.Where(t => Regex.IsMatch(sql, $@"\b(from|join|update|into|delete from|copy)\s+{t}\b", RegexOptions.IgnoreCase)).ToList();
                if (touches.Count == 0) continue;
                statements++;
                if (Regex.IsMatch(sql, @"\btenant_id\b")) continue;
                var name = Path.GetFileName(file);
                var flat = Regex.Replace(sql, @"\s+", " ");
                var key = AcrossTenants.Keys.FirstOrDefault(k => k.File == name && flat.StartsWith(k.Start, StringComparison.Ordinal));
                if (key != default) { excused.Add(key); continue; }
                missing.Add($"{Path.GetRelativePath(RepoPaths.Root, file)} ({string.Join(", ", touches)}): {flat[..Math.Min(flat.Length, 120)]}");
            }
        }
        Assert.True(statements > 100, $"only {statements} statements on tenant tables found: the scan is broken");
        Assert.True(missing.Count == 0, $"{missing.Count} statements on tenant data lack the tenant predicate:\n" + string.Join("\n", missing));
        // The list stays true: every excuse still matches a statement.
        Assert.Empty(AcrossTenants.Keys.Except(excused));
    }
}
