using CxContact.Benchmarks.Scenarios;

namespace CxContact.Benchmarks;

/// <summary>Every scenario the harness knows; a new scenario is one file plus one line here.</summary>
public static class ScenarioRegistry
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new GrainCallScenario(),
        new ImportScenario(),
        new ComplianceScenario(),
        new PreloadScenario(),
        new DialScenario(),
        new RecoveryScenario(),
        new FeedScenario(),
        new MessagingScenario(),
        new ConsoleLoadScenario(),
        new AbuseScenario(),
    ];

    public static IScenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
