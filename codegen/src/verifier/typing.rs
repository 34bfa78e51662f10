//! Types: each instruction's controlling type, operands and results, calls against
//! their signatures, and `return` against the function's signature.
//!
//! The opcode table says where the controlling type comes from, which types it may
//! be, and what the results are; the operand rules below follow each format, with
//! the opcodes whose operands differ from the controlling type listed by name
//! (shift amounts, `select`'s condition, conversions, addresses, carries).

use super::Errors;
use crate::ir::{
    AbiParam, Ctrl, Function, GlobalValueData, Inst, InstructionData, Opcode, ResultTypeError,
    Signature, Type, TypeSet, Value,
};

/// What an operand's type must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// Exactly this type.
    Exact(Type),
    /// Any integer type.
    Int,
    /// Any float type.
    Float,
    /// An integer type narrower than the given one (extensions).
    IntNarrower(Type),
    /// An integer type wider than the given one (`ireduce`).
    IntWider(Type),
    /// A float type narrower than the given one (`fpromote`).
    FloatNarrower(Type),
    /// A float type wider than the given one (`fdemote`).
    FloatWider(Type),
    /// Any type with the same number of bits (`bitcast`).
    SameBits(Type),
}

impl Want {
    fn accepts(self, t: Type) -> bool {
        match self {
            Want::Exact(w) => t == w,
            Want::Int => t.is_int(),
            Want::Float => t.is_float(),
            Want::IntNarrower(w) => t.is_int() && t.bits() < w.bits(),
            Want::IntWider(w) => t.is_int() && t.bits() > w.bits(),
            Want::FloatNarrower(w) => t.is_float() && t.bits() < w.bits(),
            Want::FloatWider(w) => t.is_float() && t.bits() > w.bits(),
            Want::SameBits(w) => t.bits() == w.bits(),
        }
    }

    fn describe(self) -> String {
        match self {
            Want::Exact(w) => w.to_string(),
            Want::Int => "an integer type".into(),
            Want::Float => "a float type".into(),
            Want::IntNarrower(w) => format!("an integer type narrower than {w}"),
            Want::IntWider(w) => format!("an integer type wider than {w}"),
            Want::FloatNarrower(w) => format!("a float type narrower than {w}"),
            Want::FloatWider(w) => format!("a float type wider than {w}"),
            Want::SameBits(w) => format!("a {}-bit type", w.bits()),
        }
    }
}

fn describe_set(set: TypeSet) -> &'static str {
    match set {
        TypeSet::Int => "an integer type",
        TypeSet::Float => "a float type",
        TypeSet::Any | TypeSet::None => "a type",
    }
}

/// Checks the types of every instruction in the layout.
pub(super) fn check(func: &Function, errors: &mut Errors<'_>) {
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            check_inst(func, inst, errors);
        }
    }
}

fn check_inst(func: &Function, inst: Inst, errors: &mut Errors<'_>) {
    let data = &func.dfg[inst];
    let opcode = data.opcode();
    let info = opcode.info();
    let ctrl = func.ctrl_type(inst);
    if info.ctrl != Ctrl::None {
        match ctrl {
            Some(t) if !info.ctrl_types.contains(t) => {
                errors.inst(
                    inst,
                    format!(
                        "`{opcode}` on {t}: expected {}",
                        describe_set(info.ctrl_types)
                    ),
                );
                return;
            }
            Some(_) => {}
            // Missing operand or result: reported by the count checks below.
            None if info.ctrl == Ctrl::Explicit => {
                errors.inst(inst, format!("`{opcode}` needs a result to give it a type"));
                return;
            }
            None => return,
        }
    }
    check_results(func, inst, ctrl, errors);
    let args = data.args();
    match data {
        InstructionData::Call { .. } | InstructionData::CallIndirect { .. } => {
            if let Some(sig) = func.call_signature(data) {
                let call_args = if matches!(data, InstructionData::CallIndirect { .. }) {
                    check_arg(func, inst, 0, args.first().copied(), Want::Int, errors);
                    args.get(1..).unwrap_or(&[])
                } else {
                    args
                };
                check_against(
                    func,
                    inst,
                    call_args,
                    &sig.params,
                    "argument",
                    signature_name(func, data),
                    errors,
                );
                if opcode.is_return() {
                    check_tail_returns(func, inst, sig, errors);
                }
            }
        }
        InstructionData::UnaryImm { imm, .. } => {
            if let Some(t) = ctrl.filter(|t| t.bits() < 64) {
                // Either reading is accepted: `iconst.i8 255` and `iconst.i8 -1` agree.
                let (min, max) = (-(1i64 << (t.bits() - 1)), (1i64 << t.bits()) - 1);
                if !(min..=max).contains(&imm.0) {
                    errors.inst(inst, format!("immediate {} does not fit in {t}", imm.0));
                }
            }
        }
        InstructionData::UnaryGlobalValue { global_value, .. } if opcode == Opcode::GlobalValue => {
            // Only loads and additions declare their type; `vmctx` and symbols are
            // pointers, whose width is a target property.
            let declared = match func.global_values.get(*global_value) {
                Some(
                    GlobalValueData::Load { global_type, .. }
                    | GlobalValueData::IAddImm { global_type, .. },
                ) => Some(*global_type),
                _ => None,
            };
            if let (Some(want), Some(got)) = (declared, ctrl) {
                if want != got {
                    errors.inst(inst, format!("{global_value} has type {want}, not {got}"));
                }
            }
        }
        InstructionData::MultiAry { .. } if opcode == Opcode::Return => {
            check_against(
                func,
                inst,
                args,
                &func.signature.returns,
                "return value",
                "the function's signature".into(),
                errors,
            );
        }
        _ => {
            let Some(wants) = operand_rules(opcode, ctrl, args.len()) else {
                return;
            };
            for (i, want) in wants.into_iter().enumerate() {
                check_arg(func, inst, i, args.get(i).copied(), want, errors);
            }
        }
    }
}

/// Compares the result values with what the opcode table says they should be.
fn check_results(func: &Function, inst: Inst, ctrl: Option<Type>, errors: &mut Errors<'_>) {
    let data = &func.dfg[inst];
    let want = match func.result_types(data, ctrl) {
        Ok(w) => w,
        // Undeclared callees are reported by `refs`; bad controlling types above.
        Err(ResultTypeError::UnknownCallee | ResultTypeError::BadCtrlType(_)) => return,
        Err(ResultTypeError::MissingCtrlType) => {
            errors.inst(inst, "missing controlling type");
            return;
        }
    };
    let got = func.dfg.inst_results(inst);
    if got.len() != want.len() {
        errors.inst(
            inst,
            format!("has {} result(s), expected {}", got.len(), want.len()),
        );
        return;
    }
    for (i, (&v, &w)) in got.iter().zip(want.iter()).enumerate() {
        if let Some(t) = func.dfg.value_type(v) {
            if t != w {
                errors.inst(inst, format!("result {i} ({v}) has type {t}, expected {w}"));
            }
        }
    }
}

/// Checks operand `i`; a missing operand or undefined value is reported elsewhere.
fn check_arg(
    func: &Function,
    inst: Inst,
    i: usize,
    v: Option<Value>,
    want: Want,
    errors: &mut Errors<'_>,
) {
    let Some(t) = v.and_then(|v| func.dfg.value_type(v)) else {
        return;
    };
    if !want.accepts(t) {
        errors.inst(
            inst,
            format!("arg {i} has type {t}, expected {}", want.describe()),
        );
    }
}

/// Checks a list of values (call arguments, return values) against ABI parameters.
fn check_against(
    func: &Function,
    inst: Inst,
    values: &[Value],
    params: &[AbiParam],
    what: &str,
    sig_name: String,
    errors: &mut Errors<'_>,
) {
    if values.len() != params.len() {
        errors.inst(
            inst,
            format!(
                "{} {what}(s) given, {sig_name} has {}",
                values.len(),
                params.len()
            ),
        );
        return;
    }
    for (i, (&v, p)) in values.iter().zip(params).enumerate() {
        if let Some(t) = func.dfg.value_type(v) {
            if t != p.value_type {
                errors.inst(
                    inst,
                    format!(
                        "{what} {i} ({v}) has type {t}, {sig_name} says {}",
                        p.value_type
                    ),
                );
            }
        }
    }
}

/// A tail call returns the callee's results as the caller's: they must agree.
fn check_tail_returns(func: &Function, inst: Inst, callee: &Signature, errors: &mut Errors<'_>) {
    let mine: Vec<Type> = func
        .signature
        .returns
        .iter()
        .map(|p| p.value_type)
        .collect();
    let theirs: Vec<Type> = callee.returns.iter().map(|p| p.value_type).collect();
    if mine != theirs {
        errors.inst(
            inst,
            "tail call: the callee's return types differ from this function's",
        );
    }
}

fn signature_name(func: &Function, data: &InstructionData) -> String {
    match data {
        InstructionData::Call { func_ref, .. } => match func.ext_funcs.get(*func_ref) {
            Some(ext) => format!("{} ({func_ref})", ext.signature),
            None => func_ref.to_string(),
        },
        InstructionData::CallIndirect { sig_ref, .. } => sig_ref.to_string(),
        _ => "the signature".into(),
    }
}

/// The operand rules of every non-call, non-return instruction, or `None` when there
/// is no controlling type to check against (reported elsewhere).
fn operand_rules(opcode: Opcode, ctrl: Option<Type>, nargs: usize) -> Option<Vec<Want>> {
    use Opcode as O;
    use Want::*;
    let c = || ctrl.map(Exact);
    let rules = match opcode {
        // Shift and rotate amounts may be any integer width.
        O::Ishl | O::Ushr | O::Sshr | O::Rotl | O::Rotr => vec![c()?, Int],
        O::Select | O::SelectSpectreGuard => vec![Int, c()?, c()?],
        O::UaddOverflowCin | O::SaddOverflowCin | O::UsubOverflowBin | O::SsubOverflowBin => {
            vec![c()?, c()?, Exact(Type::I8)]
        }
        O::Bmask => vec![Int],
        O::Ireduce => vec![IntWider(ctrl?)],
        O::Uextend | O::Sextend => vec![IntNarrower(ctrl?)],
        O::Fpromote => vec![FloatNarrower(ctrl?)],
        O::Fdemote => vec![FloatWider(ctrl?)],
        O::FcvtToUint | O::FcvtToSint | O::FcvtToUintSat | O::FcvtToSintSat => vec![Float],
        O::FcvtFromUint | O::FcvtFromSint => vec![Int],
        O::Bitcast => vec![SameBits(ctrl?)],
        // Addresses are integers (the pointer width is a target property).
        O::Load
        | O::Uload8
        | O::Sload8
        | O::Uload16
        | O::Sload16
        | O::Uload32
        | O::Sload32
        | O::AtomicLoad => {
            vec![Int]
        }
        O::Store | O::Istore8 | O::Istore16 | O::Istore32 | O::AtomicStore => vec![c()?, Int],
        O::AtomicRmw => vec![Int, c()?],
        O::AtomicCas => vec![Int, c()?, c()?],
        O::Brif | O::BrTable | O::Trapz | O::Trapnz => vec![Int],
        // Everything else: every operand has the controlling type.
        _ => match ctrl {
            Some(t) => vec![Exact(t); nargs],
            None => Vec::new(),
        },
    };
    Some(rules)
}
