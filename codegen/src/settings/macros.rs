//! `define_settings!`: declares a settings group once and derives its table, its
//! typed `Flags` struct and its enum types from that one declaration.

/// Declares a settings group. Used once for the shared flags and once per ISA crate.
///
/// ```
/// mod demo {
///     atoll_codegen::define_settings! {
///         group "demo";
///         bools {
///             /// Turn the widget on.
///             widget = false;
///         }
///         nums {
///             /// How many widgets.
///             count: u8 = 3, range 0, 9;
///         }
///         enums {
///             /// How to widget.
///             mode: Mode = Fast { Fast = "fast", Small = "small" };
///         }
///         presets {
///             /// Everything on.
///             "all" = ["widget"];
///         }
///     }
/// }
/// let mut b = demo::Flags::builder();
/// b.apply_line("set widget count=7 mode=small").unwrap();
/// let f = demo::Flags::new(&b);
/// assert!(f.widget());
/// assert_eq!(f.count(), 7);
/// assert_eq!(f.mode(), demo::Mode::Small);
/// ```
///
/// Generated items: `pub static TEMPLATE: Template`, `pub struct Flags` (with
/// `builder()`, `new(&Builder)`, `Default`, and one accessor per setting), and one
/// `pub enum` per enumerated setting (with `ALL`, `NAMES`, `name()`, `Display`).
/// The order of the table is bools, then numbers, then enums, each in declaration
/// order. A number's type must hold its `max`; this is checked at compile time.
#[macro_export]
macro_rules! define_settings {
    (
        group $group:literal;
        bools { $( $(#[doc = $bdoc:literal])* $bname:ident = $bdef:literal; )* }
        nums { $( $(#[doc = $ndoc:literal])* $nname:ident : $nty:ty = $ndef:expr, range $nmin:expr, $nmax:expr; )* }
        enums { $( $(#[doc = $edoc:literal])* $ename:ident : $ety:ident = $edef:ident
                   { $( $evar:ident = $evname:literal ),+ $(,)? }; )* }
        presets { $( $(#[doc = $pdoc:literal])* $pname:literal = [ $( $pimp:literal ),* $(,)? ]; )* }
    ) => {
        /// Position of each setting in [`TEMPLATE`]'s table.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Clone, Copy)]
        enum Idx { $( $bname, )* $( $nname, )* $( $ename, )* }

        const SETTINGS: &[$crate::settings::SettingDesc] = &[
            $( $crate::settings::SettingDesc {
                name: stringify!($bname),
                kind: $crate::settings::SettingKind::Bool,
                default: $bdef as u64,
                doc: concat!($( $bdoc ),*),
            }, )*
            $( $crate::settings::SettingDesc {
                name: stringify!($nname),
                kind: $crate::settings::SettingKind::Num { min: $nmin, max: $nmax },
                default: $ndef,
                doc: concat!($( $ndoc ),*),
            }, )*
            $( $crate::settings::SettingDesc {
                name: stringify!($ename),
                kind: $crate::settings::SettingKind::Enum($ety::NAMES),
                default: $ety::$edef as u64,
                doc: concat!($( $edoc ),*),
            }, )*
        ];

        const COUNT: usize = SETTINGS.len();

        $( #[allow(unused_comparisons)]
           const _: () = assert!(($nmax as u128) <= (<$nty>::MAX as u128) && $nmin <= $ndef && $ndef <= $nmax); )*

        /// The table of this settings group.
        pub static TEMPLATE: $crate::settings::Template = $crate::settings::Template {
            name: $group,
            settings: SETTINGS,
            presets: &[
                $( $crate::settings::PresetDesc {
                    name: $pname,
                    implies: &[ $( $pimp ),* ],
                    doc: concat!($( $pdoc ),*),
                }, )*
            ],
        };

        $(
            $(#[doc = $edoc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum $ety { $( $evar, )+ }

            impl $ety {
                /// Every variant, in table order.
                pub const ALL: &'static [$ety] = &[ $( $ety::$evar, )+ ];
                /// The text name of each variant, in table order.
                pub const NAMES: &'static [&'static str] = &[ $( $evname, )+ ];

                /// The name `set` accepts for this variant.
                pub fn name(self) -> &'static str {
                    Self::NAMES[self as usize]
                }
            }

            impl ::std::fmt::Display for $ety {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.name())
                }
            }
        )*

        /// Frozen, typed settings of this group.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct Flags {
            values: [u64; COUNT],
        }

        impl Flags {
            /// A builder holding this group's defaults.
            pub fn builder() -> $crate::settings::Builder {
                $crate::settings::Builder::new(&TEMPLATE)
            }

            /// Freezes `builder`, which must have been made by [`Flags::builder`]
            /// (passing another group's builder is a programming error).
            pub fn new(builder: &$crate::settings::Builder) -> Flags {
                assert!(
                    ::std::ptr::eq(builder.template(), &TEMPLATE),
                    "Flags::new for group `{}` given a builder of group `{}`",
                    TEMPLATE.name,
                    builder.template().name,
                );
                let mut values = [0u64; COUNT];
                for (i, v) in values.iter_mut().enumerate() {
                    *v = builder.raw_at(i);
                }
                Flags { values }
            }

            /// The table these flags follow.
            pub fn template() -> &'static $crate::settings::Template {
                &TEMPLATE
            }

            /// Every setting as `name=value`, in table order, in the syntax `set`
            /// lines accept (for listings; the table is the only list of names).
            pub fn to_text(&self) -> Vec<String> {
                TEMPLATE
                    .settings
                    .iter()
                    .zip(self.values.iter())
                    .map(|(d, &raw)| format!("{}={}", d.name, d.display_value(raw)))
                    .collect()
            }

            $(
                $(#[doc = $bdoc])*
                pub fn $bname(&self) -> bool {
                    self.values[Idx::$bname as usize] != 0
                }
            )*
            $(
                $(#[doc = $ndoc])*
                pub fn $nname(&self) -> $nty {
                    // In range by the builder's invariant and the const assert above.
                    self.values[Idx::$nname as usize] as $nty
                }
            )*
            $(
                $(#[doc = $edoc])*
                pub fn $ename(&self) -> $ety {
                    $ety::ALL[self.values[Idx::$ename as usize] as usize]
                }
            )*
        }

        impl ::std::default::Default for Flags {
            fn default() -> Flags {
                Flags::new(&Flags::builder())
            }
        }
    };
}
