using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// Where uploads and SFTP pulls land before an import reads them. In Kubernetes this is a volume shared by the
/// api and campaign pods (CXC_LANDING_DIR), because the silo that receives a file is not always the one importing it.
/// </summary>
public sealed class LandingDirectory(PlatformSettings settings)
{
    public string Root { get; } = Directory.CreateDirectory(settings.LandingDirectory).FullName;

    public string NewFile(Guid tenantId, string extension)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, tenantId.ToString("N"))).FullName;
        return Path.Combine(dir, Guid.CreateVersion7().ToString("N") + extension);
    }
}
