//! What staff do to accounts: admins give and take roles, moderators ban from the site.
//! Every such action is written to the audit log with who, from where and with what client.
//! Either ends the account's open connections on every instance, so none keeps powers its
//! player has lost; and a connection's staff action is checked against the stored role.

use pianorhythm_api::account::Profile;
use pianorhythm_core::domain::{
    audit::AuditAction,
    ban::BanLength,
    user::{ProfileUpdate, Role},
};
use pianorhythm_store::now_millis;

use super::{Accounts, Caller, Identity};
use pianorhythm_engine::{
    names::ban_reason,
    outbox::Goodbye,
    policy::{self, Action},
};

use crate::service_error::ServiceError;

impl Accounts {
    /// Sets an account's roles (Member is always kept: every account is one).
    pub async fn set_roles(
        &self,
        caller: &Caller,
        target_id: &str,
        roles: &[String],
    ) -> Result<Profile, ServiceError> {
        let admin = self.member(caller, Action::AssignRoles)?;
        let mut parsed = vec![Role::Member];
        for name in roles {
            let role = Role::parse(name)
                .filter(|role| policy::assignable(*role))
                .ok_or_else(|| ServiceError::field("roles", format!("{name:?} is not a role")))?;
            if !parsed.contains(&role) {
                parsed.push(role);
            }
        }
        if admin.id == target_id && !parsed.contains(&Role::Admin) {
            return Err(ServiceError::field(
                "roles",
                "an admin cannot take their own admin role",
            ));
        }
        let target = self.inner.users.get(target_id).await?;
        // The account's access tokens name its old role: they end in the same write, and
        // the next refresh brings the new one.
        let update = ProfileUpdate {
            roles: Some(parsed.clone()),
            end_tokens: true,
            ..Default::default()
        };
        let saved = self.inner.users.update(&target.id, update).await?;
        if saved.roles != target.roles {
            self.inner
                .live
                .close_player(&target.id, Goodbye::RolesChanged);
        }
        let names: Vec<_> = parsed.iter().map(|role| role.as_str()).collect();
        self.audit(
            caller,
            AuditAction::RoleChanged,
            &target.id,
            names.join(","),
        )
        .await?;
        Ok(self.profile_of(&saved))
    }

    /// A site ban's length as staff ask for it (see [`BanLength::asked`]), or why not.
    pub fn asked_ban_length(seconds: u64, permanent: bool) -> Result<BanLength, ServiceError> {
        BanLength::asked(seconds, permanent)
            .map_err(|invalid| ServiceError::field("durationSeconds", invalid.0))
    }

    /// The role a player holds now: an account's as stored, which a connection's copy (taken
    /// when it opened) may no longer be.
    pub async fn current_role(&self, identity: &Identity) -> Result<Role, ServiceError> {
        Ok(match identity {
            Identity::Guest(_) => Role::Guest,
            Identity::Member(user) => self.member_now(&user.id).await?.role(),
        })
    }

    /// Bans an account from the whole site for `length` (none lifts a ban), for `reason`
    /// (kept for the staff pages). Its API tokens end (access and refresh alike, so none comes
    /// back when the ban is lifted); its sessions and connections are refused from now on.
    pub async fn site_ban(
        &self,
        caller: &Caller,
        target_id: &str,
        length: Option<BanLength>,
        reason: &str,
    ) -> Result<(), ServiceError> {
        policy::require(caller.role(), Action::BanFromSite)?;
        let target = self.inner.users.get(target_id).await?;
        if target.role() >= caller.role() {
            return Err(policy::Denied {
                action: Action::BanFromSite,
                role: caller.role(),
            }
            .into());
        }
        let reason =
            ban_reason(reason).map_err(|invalid| ServiceError::field("reason", invalid.0))?;
        let until = length.map(|length| length.ends_at(now_millis()));
        let update = ProfileUpdate {
            banned_until: Some(until),
            end_tokens: true,
            ..Default::default()
        };
        self.inner.users.update(&target.id, update).await?;
        self.inner.refresh_tokens.revoke_user(&target.id).await?;
        self.keep_ban_record(caller, &target, until, reason).await?;
        if until.is_some() {
            self.inner
                .live
                .close_player(&target.id, Goodbye::BannedFromSite);
        }
        let details = length.map_or_else(|| "lifted".to_owned(), BanLength::describe);
        self.audit(caller, AuditAction::SiteBanned, &target.id, details)
            .await
    }

    async fn audit(
        &self,
        caller: &Caller,
        action: AuditAction,
        target_id: &str,
        details: String,
    ) -> Result<(), ServiceError> {
        super::audit_trail::record(&*self.inner.audit, caller, action, target_id, details).await
    }
}
