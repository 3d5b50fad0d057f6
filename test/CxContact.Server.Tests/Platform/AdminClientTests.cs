using System.Diagnostics;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// The admin console calls the API only through the client Kiota generates from the committed OpenAPI snapshot: the
/// committed client must be exactly what eng/admin-client.sh generates from it today, so a changed API cannot leave
/// the console on a stale client.
/// </summary>
public sealed class AdminClientTests
{
    [Fact]
    public async Task The_committed_client_is_generated_from_the_committed_document()
    {
        var committed = Path.Combine(RepoPaths.Root, "src", "CxContact.Admin", "Api", "Generated");
        var fresh = Directory.CreateTempSubdirectory("cxc-admin-client-").FullName;
        try
        {
            var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "eng", "admin-client.sh"), fresh])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root,
            };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"eng/admin-client.sh failed: {await output}\n{await errors}");

            var want = Files(fresh);
            var have = Files(committed);
            Assert.Equal(want.Keys.Order(), have.Keys.Order());
            var stale = want.Where(f => f.Value != have[f.Key]).Select(f => f.Key).ToList();
            Assert.True(stale.Count == 0, "Regenerate the console's client (bash eng/admin-client.sh) and commit it; stale: " + string.Join(", ", stale.Take(10)));
        }
        finally { Directory.Delete(fresh, recursive: true); }
    }

    /// <summary>Each generated file by its relative path; the lock file names where the document was, which differs per run.</summary>
    private static Dictionary<string, string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kiota-lock.json")
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllText);
}
