using Orleans.Metadata;
using Orleans.Placement;

namespace CxContact.Server.Platform.Hosting;

/// <summary>The placement filter a role-bound grain type carries: which role its silo must play.</summary>
public sealed class SiloRolePlacementFilterStrategy(string role, int order) : PlacementFilterStrategy(order)
{
    public string Role { get; private set; } = role;

    public SiloRolePlacementFilterStrategy() : this("", 0) { }

    public override void AdditionalInitialize(GrainProperties properties) =>
        Role = GetPlacementFilterGrainProperty("role", properties) ?? throw new ArgumentException("A role-bound grain type has no role property.");

    protected override IEnumerable<KeyValuePair<string, string>> GetAdditionalGrainProperties(IServiceProvider services, Type grainClass, GrainType grainType,
        IReadOnlyDictionary<string, string> existingProperties)
    {
        yield return new KeyValuePair<string, string>("role", Role);
    }
}
