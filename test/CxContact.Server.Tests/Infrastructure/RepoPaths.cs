namespace CxContact.Server.Tests.Infrastructure;

/// <summary>The repository the tests run from: files the tests read or check (the chart, the OpenAPI snapshot).</summary>
public static class RepoPaths
{
    public static readonly string Root = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CxContact.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No CxContact.sln above {AppContext.BaseDirectory}");
    }
}
