namespace CxContact.Testing.LocalServices;

/// <summary>Runs eng/gateways.sh functions (the dev run's own script) from the repository root.</summary>
public static class LocalGateways
{
    public static void Script(string command) =>
        LocalProcess.Run("bash", "-c", $"set -euo pipefail; cd {LocalProcess.Quote(Root)}; source eng/gateways.sh; {command}");

    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CxContact.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("CxContact.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
