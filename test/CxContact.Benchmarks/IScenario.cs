namespace CxContact.Benchmarks;

/// <summary>
/// One benchmark the harness can run by name. A scenario measures its subject and a baseline in the same run, so
/// the ratio between them means something even on a noisy or slow machine.
/// </summary>
public interface IScenario
{
    /// <summary>The command-line name, lower-case with dashes (e.g. "grain-call").</summary>
    string Name { get; }

    /// <summary>One line for <c>--list</c>.</summary>
    string Description { get; }

    /// <summary>The size used when <c>--size</c> is not given; what a "size" counts is up to the scenario.</summary>
    int DefaultSize { get; }

    Task<ScenarioResult> RunAsync(int size, CancellationToken ct);
}
