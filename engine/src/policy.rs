//! Who may do what: the one place roles are turned into rights. Server functions, the REST
//! API and the WebSocket all ask [`require`]; none compares roles itself.

use pianorhythm_core::domain::user::Role;

/// Everything that needs more than being a guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read and change one's own profile and settings.
    EditOwnProfile,
    /// Get API tokens for one's account.
    UseApiTokens,
    /// Upload sheet music, favourite it, edit and delete one's own.
    ShareSheets,
    /// See a profile whose owner shows it to members only.
    SeeMembersOnlyProfiles,
    /// Kick, ban, mute and delete chat in any room, the Lobby included.
    ModerateAnyRoom,
    /// Ban an account from the whole site.
    BanFromSite,
    /// Read the audit log.
    ReadAuditLog,
    /// Edit and delete anyone's sheet music.
    ModerateSheets,
    /// See a private profile.
    SeePrivateProfiles,
    /// Give and take roles.
    AssignRoles,
    /// Read players' reports and resolve or dismiss them.
    HandleReports,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::EditOwnProfile,
        Action::UseApiTokens,
        Action::ShareSheets,
        Action::SeeMembersOnlyProfiles,
        Action::ModerateAnyRoom,
        Action::BanFromSite,
        Action::ReadAuditLog,
        Action::ModerateSheets,
        Action::SeePrivateProfiles,
        Action::AssignRoles,
        Action::HandleReports,
    ];

    /// The least role that may do it; every higher role may too.
    pub fn minimum_role(self) -> Role {
        match self {
            Action::EditOwnProfile
            | Action::UseApiTokens
            | Action::ShareSheets
            | Action::SeeMembersOnlyProfiles => Role::Member,
            Action::ModerateAnyRoom
            | Action::BanFromSite
            | Action::ReadAuditLog
            | Action::ModerateSheets
            | Action::SeePrivateProfiles
            | Action::HandleReports => Role::Moderator,
            Action::AssignRoles => Role::Admin,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Action::EditOwnProfile => "edit a profile",
            Action::UseApiTokens => "use API tokens",
            Action::ShareSheets => "share sheet music",
            Action::ModerateSheets => "change others' sheet music",
            Action::SeeMembersOnlyProfiles => "see this profile",
            Action::ModerateAnyRoom => "moderate rooms",
            Action::BanFromSite => "ban from the site",
            Action::ReadAuditLog => "read the audit log",
            Action::SeePrivateProfiles => "see private profiles",
            Action::AssignRoles => "assign roles",
            Action::HandleReports => "handle reports",
        }
    }
}

/// A refusal, worded for the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct Denied {
    /// What was asked.
    pub action: Action,
    /// The role that asked.
    pub role: Role,
}

impl Denied {
    /// Whether signing in could help: guests are asked to, members are told no.
    pub fn needs_sign_in(&self) -> bool {
        self.role == Role::Guest
    }

    fn message(&self) -> String {
        if self.needs_sign_in() {
            format!("sign in to {}", self.action.describe())
        } else {
            format!(
                "only a {} or above may {}",
                self.action.minimum_role().as_str(),
                self.action.describe()
            )
        }
    }
}

pub fn allows(role: Role, action: Action) -> bool {
    role >= action.minimum_role()
}

pub fn require(role: Role, action: Action) -> Result<(), Denied> {
    if allows(role, action) {
        Ok(())
    } else {
        Err(Denied { action, role })
    }
}

/// Roles an admin may give: any but Guest, which is no account at all.
pub fn assignable(role: Role) -> bool {
    role != Role::Guest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_exactly_what_its_rank_allows() {
        use Role::*;
        let expected = |role: Role, action: Action| match action {
            Action::EditOwnProfile
            | Action::UseApiTokens
            | Action::ShareSheets
            | Action::SeeMembersOnlyProfiles => role != Guest,
            Action::ModerateAnyRoom
            | Action::BanFromSite
            | Action::ReadAuditLog
            | Action::ModerateSheets
            | Action::SeePrivateProfiles
            | Action::HandleReports => matches!(role, Moderator | Admin),
            Action::AssignRoles => role == Admin,
        };
        for role in Role::ALL {
            for action in Action::ALL {
                assert_eq!(
                    allows(role, action),
                    expected(role, action),
                    "{role:?} {action:?}"
                );
                assert_eq!(require(role, action).is_ok(), expected(role, action));
            }
        }
    }

    #[test]
    fn refusals_tell_guests_to_sign_in_and_others_what_is_needed() {
        let guest = require(Role::Guest, Action::EditOwnProfile).unwrap_err();
        assert!(guest.needs_sign_in());
        assert_eq!(guest.to_string(), "sign in to edit a profile");
        let pro = require(Role::Pro, Action::ModerateAnyRoom).unwrap_err();
        assert_eq!(
            pro.to_string(),
            "only a moderator or above may moderate rooms"
        );
    }
}
