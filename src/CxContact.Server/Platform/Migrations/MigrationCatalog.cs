using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CxContact.Server.Platform.Migrations;

/// <summary>The migrations embedded in this assembly, in version order.</summary>
public static partial class MigrationCatalog
{
    [GeneratedRegex(@"^Sql/(?<v>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();

    public static IReadOnlyList<Migration> All { get; } = Load();

    private static List<Migration> Load()
    {
        var asm = Assembly.GetExecutingAssembly();
        var list = new List<Migration>();
        foreach (var resource in asm.GetManifestResourceNames())
        {
            var m = FileName().Match(resource);
            if (!m.Success) continue;
            using var stream = asm.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            list.Add(new Migration(int.Parse(m.Groups["v"].Value), m.Groups["name"].Value, sql, checksum));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        var dup = list.GroupBy(x => x.Version).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidOperationException($"Two migrations share version {dup.Key:0000}");
        return list;
    }
}
