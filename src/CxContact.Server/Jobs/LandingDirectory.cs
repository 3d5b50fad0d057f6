using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Jobs;

/// <summary>
/// Where uploads and SFTP pulls land before an import reads them. In Kubernetes this is a volume shared by the
/// api and campaign pods (CXC_LANDING_DIR), because the silo that receives a file is not always the one importing it.
/// </summary>
public sealed class LandingDirectory(PlatformSettings settings)
{
    public string Root { get; } = Directory.CreateDirectory(settings.LandingDirectory).FullName;

    /// <summary>Bytes the tenant's files take on the landing directory now, for its quota.</summary>
    public long BytesInUse(Guid tenantId)
    {
        var dir = new DirectoryInfo(Path.Combine(Root, tenantId.ToString("N")));
        if (!dir.Exists) return 0;
        long total = 0;
        foreach (var f in dir.EnumerateFiles("*", SearchOption.AllDirectories))
            try { total += f.Length; } catch (FileNotFoundException) { /* finished and removed while we counted */ }
        return total;
    }

    public string NewFile(Guid tenantId, string extension)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, tenantId.ToString("N"))).FullName;
        return Path.Combine(dir, Guid.CreateVersion7().ToString("N") + extension);
    }
}
