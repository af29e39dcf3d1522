using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Persistence;

/// <summary>Where the portal keeps its state. Bound from <c>Portal:Database</c>.</summary>
public sealed class PersistenceOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Database";

    /// <summary>
    /// The EF Core provider: <c>Sqlite</c> (the default: one file, one process) or <c>PostgreSQL</c> (several replicas
    /// sharing one database; needs <see cref="ConnectionString"/>).
    /// </summary>
    [Required]
    [RegularExpression("^(Sqlite|PostgreSQL)$", ErrorMessage = "must be Sqlite or PostgreSQL")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>
    /// The folder that holds the database file (SQLite), the session index and the key ring, created on first run;
    /// relative paths are under the content root. Defaults to <c>data</c>.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// An explicit connection string: with SQLite it defaults to a file in <see cref="DataDirectory"/>; with PostgreSQL
    /// it is required (<c>Host=...;Database=...;Username=...</c>, the password from a secret store or
    /// <c>PGPASSWORD</c>-style environment, never in a file under version control).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The provider as a value.</summary>
    public DatabaseProvider ProviderKind => Provider == "PostgreSQL" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ProviderKind == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("is required with Provider PostgreSQL (Host=...;Database=...;Username=...)", [nameof(ConnectionString)]);
        }
    }
}

/// <summary>The database the portal keeps its state in.</summary>
public enum DatabaseProvider
{
    /// <summary>An SQLite file: the embedded default, for one process and the sandbox.</summary>
    Sqlite,

    /// <summary>PostgreSQL: for several replicas behind a load balancer.</summary>
    PostgreSql,
}
