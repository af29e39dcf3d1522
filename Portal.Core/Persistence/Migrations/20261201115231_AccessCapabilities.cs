using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AccessCapabilities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "BreakGlass",
                table: "Grants",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Person",
                table: "Grants",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewComment",
                table: "Grants",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReviewedAt",
                table: "Grants",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewedBy",
                table: "Grants",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "BreakGlass",
                table: "AccessRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "ExtendsGrantId",
                table: "AccessRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "AccessRequests",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Access");

            migrationBuilder.AddColumn<string>(
                name: "PrincipalType",
                table: "AccessRequests",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "User");

            migrationBuilder.CreateIndex(
                name: "IX_Grants_Person",
                table: "Grants",
                column: "Person");

            // Grants made before this migration name their person through their request.
            migrationBuilder.Sql("UPDATE Grants SET Person = (SELECT Requester FROM AccessRequests WHERE AccessRequests.Id = Grants.RequestId) WHERE RequestId IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Grants_Person",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "BreakGlass",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "Person",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "ReviewComment",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "ReviewedAt",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "ReviewedBy",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "BreakGlass",
                table: "AccessRequests");

            migrationBuilder.DropColumn(
                name: "ExtendsGrantId",
                table: "AccessRequests");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "AccessRequests");

            migrationBuilder.DropColumn(
                name: "PrincipalType",
                table: "AccessRequests");
        }
    }
}
