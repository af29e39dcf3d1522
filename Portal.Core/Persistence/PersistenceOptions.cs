using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Persistence;

/// <summary>Where the portal keeps its state. Bound from <c>Portal:Database</c>.</summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Database";

    /// <summary>The EF Core provider. Defaults to <c>Sqlite</c>, the one this build ships.</summary>
    [Required]
    [RegularExpression("^Sqlite$", ErrorMessage = "must be Sqlite (the only provider this build ships; PostgreSQL is planned)")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>
    /// The folder that holds the database file, created on first run; relative paths are under the content root.
    /// Defaults to <c>data</c>.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>An explicit connection string; defaults to a file in <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }
}
